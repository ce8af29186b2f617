/**
 * Issue 12, item 9: values built from user input reach the `pulumi` CLI only after `--` or as `--flag=value`. The SDK's
 * Stack.setTag passes the value positionally, so a value starting with "-" is parsed as a flag; the stand-in parses
 * flags like cobra (unknown flag → error), so it fails exactly where the real CLI would misread the value.
 */
import { join } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { exportStackEncrypted } from "../../cli/store/archive";
import type { PreviewRecord } from "../../infra/preview-naming";
import { RECORD_TAGS, setStackTag, writeRecordTags } from "../../cli/preview/records";
import { createStandinWorld, type StandinWorld } from "../support/standin-harness";

jest.setTimeout(60_000);

let world: StandinWorld;
let stack: Stack;
beforeAll(async () => {
  world = createStandinWorld();
  stack = await world.stack("tenantctl-previews", "dev-tags", async () => ({}));
});
afterAll(() => world.cleanup());

it("the SDK's setTag hands a value starting with '-' to the CLI as a flag (why tenantctl does not use it)", async () => {
  await expect(stack.setTag("probe", "-x")).rejects.toThrow(/unknown shorthand flag: 'x' in -x/);
});

it("setStackTag stores values that look like flags, or like `--`, verbatim", async () => {
  for (const value of ["-x", "--stack=prod-acme", "--", "-", "a b", "--yes"]) {
    await setStackTag(stack, "tenantctl:probe", value);
    expect((await stack.listTags())["tenantctl:probe"]).toBe(value);
  }
});

it("writeRecordTags copies every field of a record whose branch starts with '-' without a warning", async () => {
  const record = {
    branch: "-x",
    env: "dev",
    slug: "b-x-00000000",
    stack: "dev-tags",
    createdAt: "2026-01-01T00:00:00.000Z",
    lastDeployedAt: "2026-01-01T00:00:00.000Z",
    expiresAt: "2026-01-04T00:00:00.000Z",
  } as PreviewRecord;
  const warnings: string[] = [];
  await writeRecordTags(stack, record, (line) => warnings.push(line));
  expect(warnings).toEqual([]);
  const tags = await stack.listTags();
  for (const [field, tag] of Object.entries(RECORD_TAGS) as [keyof typeof RECORD_TAGS, string][])
    expect(tags[tag]).toBe(record[field]);
});

it("exportStackEncrypted names the stack and the file as --flag=value, which the CLI reads as values", async () => {
  const command = (await world.pulumiCommand()).command;
  const exported = await exportStackEncrypted({
    command,
    workDir: join(world.workDir, "tenantctl-previews"),
    stack: stack.name,
    env: { ...process.env, ...world.env },
  });
  expect(exported).toMatchObject({ version: 3 });
});
