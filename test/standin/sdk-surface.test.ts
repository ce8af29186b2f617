import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { CommandError, LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { createStandinWorld, STANDIN_ROOT, type StandinWorld } from "../support/standin-harness";

/**
 * The rows of docs/standin.md's table not shown elsewhere, each through the SDK call that emits the flag:
 * operation options (message, expect-no-changes, diff, refresh, replace, preview-only refresh/destroy, run-program,
 * clear-pending-creates, exec-agent, the display and logging options, remove), and the workspace calls for stacks,
 * tags, history paging and state export/import.
 */
async function failure(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CommandError);
  return [
    ...new Set(
      String((err as Error).message)
        .split("\n")
        .filter((l) => l.startsWith("error: ")),
    ),
  ].join("\n");
}

const LOG = "aws:cloudwatch/logGroup:LogGroup";
/** The SDK's own semver (PulumiCommand options take its SemVer). */
const { SemVer } = createRequire(require.resolve("@pulumi/pulumi/package.json"))("semver") as typeof import("semver");

function groups(retention: number, secretTag = "s3cr3t-value") {
  return async () => {
    const a = new aws.cloudwatch.LogGroup("a", {
      retentionInDays: retention,
      tags: { token: pulumi.secret(secretTag) },
    });
    return { name: a.name, token: pulumi.secret(secretTag) };
  };
}

// Every SDK call spawns the stand-in; on the shared 2-core box one operation can take several seconds.
jest.setTimeout(300_000);

describe("stand-in pulumi through the SDK: the rest of the 3.248 Automation API surface", () => {
  let world: StandinWorld;
  beforeAll(() => {
    world = createStandinWorld();
  });
  afterAll(() => world.cleanup());

  it("up/preview options: message, expect-no-changes, diff, replace, refresh, run-program, exec-agent and the display options", async () => {
    const stack = await world.stack("surface", "ops", groups(7));
    const display = {
      color: "never" as const,
      logFlow: true,
      logVerbosity: 3,
      logToStdErr: true,
      debug: true,
      suppressOutputs: true,
      suppressProgress: true,
    };
    const up = await stack.up({ message: "first rollout", userAgent: "tenantctl/test", diff: true, ...display });
    expect(up.summary.message).toBe("first rollout");
    expect(up.stdout).not.toContain("s3cr3t-value");
    await stack.up({ expectNoChanges: true });
    expect(
      (await stack.preview({ expectNoChanges: true, refresh: true, diff: true, message: "check", ...display }))
        .changeSummary,
    ).toEqual({ same: 2 });
    const changed = world.stack("surface", "ops", groups(14));
    const next = await changed;
    expect(await failure(next.preview({ expectNoChanges: true }))).toBe(
      "error: no changes were expected but changes occurred",
    );
    expect(await failure(next.up({ expectNoChanges: true }))).toBe(
      "error: no changes were expected but changes occurred",
    );
    const a = `urn:pulumi:ops::surface::${LOG}::a`;
    const replaced = await next.preview({ replace: [a], runProgram: true });
    expect(replaced.changeSummary).toEqual({ same: 1, replace: 1 });
    const events: EngineEvent[] = [];
    await next.up({ replace: [a], onEvent: (e) => events.push(e) });
    expect(
      events.filter((e) => e.resOutputsEvent?.metadata.urn === a).map((e) => e.resOutputsEvent?.metadata.op),
    ).toContain("replace");
    const [last] = await next.history(1, 1);
    expect(last).toMatchObject({ kind: "update", result: "succeeded", environment: { "exec.kind": "auto.inline" } });
  });

  it("refresh and destroy: --preview-only changes nothing, --clear-pending-creates and --expect-no-changes pass, remove drops the stack", async () => {
    const stack = await world.stack("surface", "life", groups(7));
    await stack.up();
    const before = (await stack.exportStack()).deployment;
    const pr = await stack.previewRefresh({ message: "look" });
    expect(pr.changeSummary).toEqual({ same: 2 });
    const pd = await stack.previewDestroy();
    expect(pd.changeSummary).toEqual({ delete: 2 });
    expect((await stack.exportStack()).deployment.resources).toEqual(before.resources);
    expect(
      (await stack.refresh({ clearPendingCreates: true, expectNoChanges: true, userAgent: "tenantctl/test" })).summary
        .result,
    ).toBe("succeeded");
    await stack.destroy({ remove: true, message: "gone" });
    expect((await stack.workspace.listStacks()).map((s) => s.name)).not.toContain("life");
  });

  it("stacks: secrets provider, select, ls --all, rm --force/--preserve-config; tags; history paging; export/import", async () => {
    const dir = path.join(world.workDir, "surface-ws");
    fs.mkdirSync(dir, { recursive: true });
    const ws = await LocalWorkspace.create({
      workDir: dir,
      envVars: world.env,
      pulumiCommand: await world.pulumiCommand(),
      secretsProvider: "passphrase",
      projectSettings: { name: "surfacews", runtime: "nodejs" },
      program: groups(7),
    });
    await ws.createStack("one");
    await ws.createStack("two");
    await ws.selectStack("one");
    expect((await ws.stack())?.name).toBe("one");
    expect((await ws.listStacks({ all: true })).map((s) => s.name)).toEqual(
      expect.arrayContaining(["one", "two", "organization/surface/ops"]),
    );
    const one = await Stack.select("one", ws);
    await one.up({ message: "m1" });
    await one.up({ message: "m2" });
    await ws.setTag("one", "owner", "platform");
    expect(await ws.getTag("one", "owner")).toBe("platform");
    expect(await ws.listTags("one")).toMatchObject({ owner: "platform", "pulumi:project": "surfacews" });
    await ws.removeTag("one", "owner");
    expect(Object.keys(await ws.listTags("one"))).not.toContain("owner");
    expect((await one.history(1, 2)).map((h) => h.message)).toEqual(["m1"]);
    expect(JSON.stringify(await one.history(undefined, undefined, false))).not.toContain("s3cr3t-value");
    const state = await ws.exportStack("one");
    expect(JSON.stringify(state)).toContain("s3cr3t-value");
    await ws.importStack("two", state);
    expect((await ws.exportStack("two")).deployment.resources?.map((r: { type: string }) => r.type)).toContain(LOG);
    expect(await failure(ws.removeStack("one"))).toMatch(/^error: 'one' still has resources; removal rejected/);
    await ws.removeStack("one", { force: true, preserveConfig: true });
    expect(fs.existsSync(path.join(dir, "Pulumi.one.yaml"))).toBe(true);
    await ws.removeStack("two", { force: true });
    expect(fs.existsSync(path.join(dir, "Pulumi.two.yaml"))).toBe(false);
  });

  it("PulumiCommand.install finds the installed CLI by `version` and downloads nothing; a newer minimum is refused by the SDK", async () => {
    const cmd = await PulumiCommand.install({ root: STANDIN_ROOT, version: new SemVer("3.248.0") });
    expect(cmd.version?.toString()).toBe("3.248.0");
    await expect(PulumiCommand.get({ root: STANDIN_ROOT, version: new SemVer("3.249.0") })).rejects.toThrow(
      /Minimum version requirement failed/,
    );
  });

  it("import with a converter needs the converter plugin, which the real CLI downloads: fails as offline", async () => {
    const stack = await world.stack("surface", "conv", groups(7));
    expect(await failure(stack.import({ converter: "terraform", converterArgs: ["./tf.tfstate"] }))).toMatch(
      /^error: install "terraform": \[converter plugin terraform\] downloading: Get "https:\/\/api\.github\.com\/repos\/pulumi\/pulumi-converter-terraform\/releases\/latest": dial tcp: lookup api\.github\.com: no such host/,
    );
  });
});
