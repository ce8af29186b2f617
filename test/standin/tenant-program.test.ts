import type { EngineEvent } from "@pulumi/pulumi/automation";
import { CommandError } from "@pulumi/pulumi/automation";
import { tenantProgram } from "../../infra/tenant/program";
import { sharedOutputs, tenantSpec } from "../infra/fixtures";
import { createStandinWorld, type StandinWorld } from "../support/standin-harness";
import { accountResources, listSnapshots } from "../support/standin-account";

const PROJECT = "tenantctl-tenants";

// Every SDK call spawns the stand-in; on the shared 2-core CI box one operation can take several seconds.
jest.setTimeout(300_000);

describe("stand-in pulumi: the real tenant program through LocalWorkspace", () => {
  let world: StandinWorld;
  beforeAll(() => {
    world = createStandinWorld();
  });
  afterAll(() => world.cleanup());

  it("provisions a tenant with per-resource events and a summary, then tears it down leaving its final snapshot", async () => {
    const spec = tenantSpec();
    const shared = sharedOutputs();
    const stack = await world.stack(PROJECT, "dev-acme", tenantProgram(spec, shared));
    await stack.setAllConfig({ "aws:region": { value: shared.region } });

    const events: EngineEvent[] = [];
    const up = await stack.up({ onEvent: (e) => events.push(e) });
    const pre = events.filter((e) => e.resourcePreEvent).map((e) => e.resourcePreEvent?.metadata.type);
    const done = events.filter((e) => e.resOutputsEvent).map((e) => e.resOutputsEvent?.metadata.type);
    expect(pre).toEqual(expect.arrayContaining(["pulumi:pulumi:Stack", "aws:rds/instance:Instance", "aws:ecs/service:Service", "aws:lb/listenerRule:ListenerRule"]));
    expect(done).toHaveLength(pre.length);
    const summary = events.find((e) => e.summaryEvent)?.summaryEvent;
    expect(summary?.resourceChanges).toEqual({ create: pre.length });
    expect(up.summary.resourceChanges).toEqual({ create: pre.length });
    expect(events.filter((e) => e.diagnosticEvent?.severity === "error")).toEqual([]);
    expect(up.outputs.databaseEndpoint.value).toMatch(/\.rds\.amazonaws\.com:5432$/);
    expect(up.outputs.databaseSecretArn.value).toMatch(/:secret:rds!db-/);
    expect(up.outputs.listenerPriority.value).toBe(42);

    // The same spec yields the same resources: a second up changes nothing.
    expect((await stack.up()).summary.resourceChanges).toEqual({ same: pre.length });

    // A second tenant claiming the same listener priority fails like AWS would.
    const beta = await world.stack(PROJECT, "dev-beta", tenantProgram(tenantSpec({ slug: "beta" }), shared));
    const betaEvents: EngineEvent[] = [];
    await expect(beta.up({ onEvent: (e) => betaEvents.push(e) })).rejects.toBeInstanceOf(CommandError);
    expect(betaEvents.find((e) => e.diagnosticEvent?.severity === "error")?.diagnosticEvent?.message).toMatch(/api error PriorityInUse/);

    // Protected data cannot be destroyed until the program releases protection (teardown's first step).
    await expect(stack.destroy()).rejects.toBeInstanceOf(CommandError);
    await (await world.stack(PROJECT, "dev-acme", tenantProgram(spec, shared, { releaseProtection: true }))).up();
    const destroyed = await stack.destroy();
    expect(destroyed.summary.resourceChanges?.delete).toBe(pre.length);
    expect(listSnapshots(world.backendDir).map((s) => s.dbSnapshotIdentifier)).toEqual([up.outputs.finalSnapshotIdentifier.value]);
    expect(accountResources(world.backendDir).filter((r) => r.stack === `${PROJECT}/dev-acme`)).toEqual([]);
  });
});
