import * as fs from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { CommandError, ConcurrentUpdateError } from "@pulumi/pulumi/automation";
import { createStandinWorld, type StandinWorld } from "../support/standin-harness";
import { accountResources } from "../support/standin-account";

const program = async () => {
  const a = new aws.cloudwatch.LogGroup("first", { retentionInDays: 7 });
  const b = new aws.cloudwatch.LogGroup("second", { retentionInDays: 7 }, { dependsOn: [a] });
  return { a: a.name, b: b.name };
};

function checkpoint(
  world: StandinWorld,
  project: string,
): { resources?: { urn: string }[]; pending_operations?: { type: string }[] } {
  const file = path.join(world.backendDir, ".pulumi", "stacks", project, "dev.json");
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { checkpoint: { latest: never } }).checkpoint.latest;
}

// Every SDK call spawns the stand-in; on the shared 2-core CI box one operation can take several seconds.
jest.setTimeout(300_000);

describe("stand-in pulumi: fault injection", () => {
  let world: StandinWorld;
  beforeAll(() => {
    world = createStandinWorld();
  });
  afterAll(() => world.cleanup());

  it("PULUMI_STANDIN_FAIL fails the matching resource with an AWS-shaped error and keeps what succeeded", async () => {
    const stack = await world.stack("fail", "dev", program);
    stack.workspace.envVars = { ...world.env, PULUMI_STANDIN_FAIL: "aws:cloudwatch/logGroup:LogGroup::second" };
    const events: EngineEvent[] = [];
    const err = await stack.up({ onEvent: (e) => events.push(e) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CommandError);
    expect(String((err as Error).message)).toMatch(/error: update failed/);
    const failed = events.filter((e) => e.resOpFailedEvent).map((e) => e.resOpFailedEvent?.metadata.urn);
    expect(failed).toEqual([expect.stringMatching(/::second$/)]);
    const diag = events.find((e) => e.diagnosticEvent?.severity === "error")?.diagnosticEvent?.message ?? "";
    expect(diag).toMatch(
      /creating CloudWatch Logs Log Group \(second-[0-9a-f]{7}\): operation error CloudWatch Logs: CreateLogGroup, https response error StatusCode: 500, RequestID: [0-9a-f-]{36}, api error InternalFailure/,
    );
    expect(events.find((e) => e.summaryEvent)?.summaryEvent?.resourceChanges).toEqual({ create: 2 });
    expect((checkpoint(world, "fail").resources ?? []).map((r) => r.urn.split("::").pop())).toEqual(
      expect.arrayContaining(["fail-dev", "first"]),
    );
    stack.workspace.envVars = world.env;
    const retry = await stack.up();
    expect(retry.summary.resourceChanges).toEqual({ same: 2, create: 1 });
  });

  it("PULUMI_STANDIN_DELAY_MS slows every resource operation", async () => {
    const stack = await world.stack("delay", "dev", program);
    stack.workspace.envVars = { ...world.env, PULUMI_STANDIN_DELAY_MS: "1500" };
    const started = Date.now();
    await stack.up();
    expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
  });

  it("PULUMI_STANDIN_DIE kills the process mid-update, leaving the lock and a pending operation; cancel recovers", async () => {
    const stack = await world.stack("die", "dev", program);
    stack.workspace.envVars = { ...world.env, PULUMI_STANDIN_DIE: "*::second" };
    await expect(stack.up()).rejects.toBeInstanceOf(CommandError);
    const state = checkpoint(world, "die");
    expect(state.pending_operations).toEqual([expect.objectContaining({ type: "creating" })]);
    expect(
      accountResources(world.backendDir)
        .filter((r) => r.stack === "die/dev")
        .map((r) => r.name),
    ).toEqual(["first"]);

    stack.workspace.envVars = world.env;
    await expect(stack.up()).rejects.toBeInstanceOf(ConcurrentUpdateError);
    await stack.cancel();
    const events: EngineEvent[] = [];
    const recovered = await stack.up({ onEvent: (e) => events.push(e) });
    expect(recovered.summary.resourceChanges).toEqual({ same: 2, create: 1 });
    expect(
      events.some((e) => /pending operations from previous deployment/.test(e.diagnosticEvent?.message ?? "")),
    ).toBe(true);
    expect(checkpoint(world, "die").pending_operations).toBeUndefined();
  });

  it("a first SIGINT (the SDK's abort signal) cancels gracefully: running steps finish, state is saved, the lock released", async () => {
    const stack = await world.stack("sigint", "dev", program);
    stack.workspace.envVars = { ...world.env, PULUMI_STANDIN_DELAY_MS: "2000" };
    const abort = new AbortController();
    const onEvent = (e: EngineEvent): void => {
      if (e.resourcePreEvent?.metadata.type === "aws:cloudwatch/logGroup:LogGroup") abort.abort();
    };
    const err = await stack.up({ onEvent, signal: abort.signal }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CommandError);
    expect(String((err as Error).message)).toMatch(/error: update canceled/);
    const lockDir = path.join(world.backendDir, ".pulumi", "locks", "organization", "sigint", "dev");
    expect(fs.readdirSync(lockDir)).toEqual([]);
    expect((checkpoint(world, "sigint").resources ?? []).map((r) => r.urn.split("::").pop())).toContain("first");
    stack.workspace.envVars = world.env;
    expect((await stack.up()).summary.resourceChanges).toEqual({ same: 2, create: 1 });
  });
});
