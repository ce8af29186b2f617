/** The stand-in engine's `import` step (Pulumi's `import` resource option) over the simulated AWS account. */
import * as aws from "@pulumi/aws";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { CommandError } from "@pulumi/pulumi/automation";
import { createStandinWorld, type StandinWorld } from "../support/standin-harness";
import { accountResources } from "../support/standin-account";

jest.setTimeout(300_000);

const SECRET = "aws:secretsmanager/secret:Secret";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";

/** The error diagnostics of a failed operation, as the SDK receives them. */
async function failure(
  run: (onEvent: (e: EngineEvent) => void) => Promise<unknown>,
): Promise<{ errors: string[]; ops: string[] }> {
  const events: EngineEvent[] = [];
  const err = await run((e) => events.push(e)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CommandError);
  return {
    errors: events.flatMap((e) => (e.diagnosticEvent?.severity === "error" ? [e.diagnosticEvent.message] : [])),
    ops: events.flatMap((e) => (e.resOpFailedEvent ? [e.resOpFailedEvent.metadata.op] : [])),
  };
}

describe("stand-in pulumi: import steps", () => {
  let world: StandinWorld;
  let secretArn: string;
  let secretName: string;

  beforeAll(async () => {
    world = createStandinWorld();
    // A stack creates a secret (auto-named) and a log group, retains both on destroy: they stay in the account, unmanaged.
    const owner = await world.stack("owner", "dev", async () => {
      const s = new aws.secretsmanager.Secret(
        "token",
        { description: "kept", recoveryWindowInDays: 7, tags: { team: "a" } },
        { retainOnDelete: true },
      );
      new aws.cloudwatch.LogGroup("logs", { name: "kept-logs", retentionInDays: 7 }, { retainOnDelete: true });
      return { arn: s.arn, name: s.name };
    });
    const outputs = (await owner.up()).outputs;
    secretArn = String(outputs.arn?.value);
    secretName = String(outputs.name?.value);
    await owner.destroy();
    expect(
      accountResources(world.backendDir)
        .filter((r) => r.stack === "owner/dev")
        .map((r) => r.type)
        .sort(),
    ).toEqual([LOG_GROUP, SECRET]);
  });
  afterAll(() => world.cleanup());

  it("adopts an existing resource: an import step with the account's outputs and the existing auto-name, then same", async () => {
    const events: EngineEvent[] = [];
    const stack = await world.stack("adopter", "dev", async () => {
      const s = new aws.secretsmanager.Secret(
        "adopted",
        { description: "kept", recoveryWindowInDays: 7, tags: { team: "a" } },
        { import: secretArn },
      );
      return { arn: s.arn, name: s.name };
    });
    const preview = await stack.preview();
    expect(preview.changeSummary).toEqual({ create: 1, import: 1 });
    const up = await stack.up({ onEvent: (e) => events.push(e) });
    expect(up.summary.resourceChanges).toEqual({ create: 1, import: 1 });
    expect(up.outputs.arn?.value).toBe(secretArn);
    expect(up.outputs.name?.value).toBe(secretName);
    const ops = events.flatMap((e) =>
      e.resOutputsEvent ? [[e.resOutputsEvent.metadata.type, e.resOutputsEvent.metadata.op]] : [],
    );
    expect(ops).toContainEqual([SECRET, "import"]);
    const record = accountResources(world.backendDir).filter((r) => r.type === SECRET);
    expect(record).toEqual([expect.objectContaining({ id: secretArn, stack: "adopter/dev", name: "adopted" })]);
    // The import option on a resource already in the state is a no-op, as in the real engine.
    expect((await stack.up()).summary.resourceChanges).toEqual({ same: 2 });
  });

  it("fails like Pulumi when the id does not exist, in preview and up, and creates nothing", async () => {
    const missing = "arn:aws:secretsmanager:us-east-1:123456789012:secret:nope-AbCdEf";
    const stack = await world.stack("missing", "dev", async () => {
      new aws.secretsmanager.Secret("ghost", { description: "x" }, { import: missing });
    });
    const previewed = await failure((onEvent) => stack.preview({ onEvent }));
    expect(previewed.errors.join("\n")).toContain(`resource '${missing}' does not exist`);
    const up = await failure((onEvent) => stack.up({ onEvent }));
    expect(up.errors.join("\n")).toContain(`resource '${missing}' does not exist`);
    expect(up.ops).toEqual(["import"]);
    expect(accountResources(world.backendDir).filter((r) => r.stack === "missing/dev")).toEqual([]);
  });

  it("fails the update when the program's inputs differ from the existing resource; preview only warns", async () => {
    const stack = await world.stack("mismatch", "dev", async () => {
      new aws.cloudwatch.LogGroup("logs", { name: "kept-logs", retentionInDays: 30 }, { import: "kept-logs" });
    });
    const events: EngineEvent[] = [];
    const preview = await stack.preview({ onEvent: (e) => events.push(e) });
    expect(preview.changeSummary).toEqual({ create: 1, import: 1 });
    const warnings = events.flatMap((e) =>
      e.diagnosticEvent?.severity === "warning" ? [e.diagnosticEvent.message] : [],
    );
    expect(warnings.join("\n")).toMatch(
      /inputs to import do not match the existing resource; importing this resource will fail \(differing properties: retentionInDays\)/,
    );
    const up = await failure((onEvent) => stack.up({ onEvent }));
    expect(up.errors.join("\n")).toMatch(
      /inputs to import do not match the existing resource; differing properties: retentionInDays/,
    );
    // The log group is still the retained one, untouched and owned by nobody new.
    expect(accountResources(world.backendDir).filter((r) => r.type === LOG_GROUP)).toEqual([
      expect.objectContaining({
        id: "kept-logs",
        stack: "owner/dev",
        inputs: expect.objectContaining({ retentionInDays: 7 }),
      }),
    ]);
  });
});
