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
    expect(pre).toEqual(
      expect.arrayContaining([
        "pulumi:pulumi:Stack",
        "aws:rds/instance:Instance",
        "aws:ecs/service:Service",
        "aws:lb/listenerRule:ListenerRule",
      ]),
    );
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
    expect(betaEvents.find((e) => e.diagnosticEvent?.severity === "error")?.diagnosticEvent?.message).toMatch(
      /api error PriorityInUse/,
    );

    // Protected data cannot be destroyed until the program releases protection (teardown's first step).
    await expect(stack.destroy()).rejects.toBeInstanceOf(CommandError);
    await (await world.stack(PROJECT, "dev-acme", tenantProgram(spec, shared, { releaseProtection: true }))).up();
    const destroyed = await stack.destroy();
    expect(destroyed.summary.resourceChanges?.delete).toBe(pre.length);
    expect(listSnapshots(world.backendDir).map((s) => s.dbSnapshotIdentifier)).toEqual([
      up.outputs.finalSnapshotIdentifier.value,
    ]);
    expect(accountResources(world.backendDir).filter((r) => r.stack === `${PROJECT}/dev-acme`)).toEqual([]);
  });

  it("a new image registers a new task definition revision, updates the service to it and deregisters the old one", async () => {
    const shared = sharedOutputs();
    const spec = tenantSpec({ slug: "rev" });
    const taskDefs = (name = "rev-taskdef") =>
      accountResources(world.backendDir).filter(
        (r) =>
          r.stack === `${PROJECT}/dev-rev` && r.type === "aws:ecs/taskDefinition:TaskDefinition" && r.name === name,
      );
    const service = () =>
      accountResources(world.backendDir).find(
        (r) => r.stack === `${PROJECT}/dev-rev` && r.type === "aws:ecs/service:Service",
      );
    const stack = await world.stack(PROJECT, "dev-rev", tenantProgram(spec, shared));
    await stack.setAllConfig({ "aws:region": { value: shared.region } });
    await stack.up();
    const [first] = taskDefs();
    expect(first?.outputs.arn).toMatch(/:task-definition\/.+:1$/);
    expect(service()?.inputs.taskDefinition).toBe(first?.outputs.arn);

    const upgraded = await world.stack(
      PROJECT,
      "dev-rev",
      tenantProgram({ ...spec, image: `${spec.image.split(":")[0]}:9.9.9` }, shared),
    );
    const events: EngineEvent[] = [];
    const up = await upgraded.up({ onEvent: (e) => events.push(e) });
    const ops = (type: string) =>
      events.filter((e) => e.resourcePreEvent?.metadata.type === type).map((e) => e.resourcePreEvent?.metadata.op);
    expect(ops("aws:ecs/taskDefinition:TaskDefinition")).toContain("replace");
    expect(ops("aws:ecs/service:Service")).toEqual(["update"]);
    // The bootstrap task definition gets a new revision too, so its Invocation is replaced (its `triggers` hold that
    // ARN and are ForceNew in the provider): a replacement is what invokes the task runner again.
    expect(ops("aws:lambda/invocation:Invocation")).toEqual(["replace", "delete-replaced"]);
    const invocationStep = events.find((e) => e.resourcePreEvent?.metadata.type === "aws:lambda/invocation:Invocation")
      ?.resourcePreEvent?.metadata;
    expect(invocationStep?.detailedDiff?.["triggers"]?.diffKind).toBe("update-replace");
    expect(up.summary.resourceChanges?.["replace"]).toBe(3);
    expect(taskDefs("rev-boot-taskdef")[0]?.outputs.arn).toMatch(/:task-definition\/tenant-dev-rev-bootstrap:2$/);
    const after = taskDefs();
    expect(after).toHaveLength(1);
    expect(after[0]?.outputs.arn).toBe(String(first?.outputs.arn).replace(/:1$/, ":2"));
    expect(service()?.inputs.taskDefinition).toBe(after[0]?.outputs.arn);
    // The account and the state agree afterwards: a refresh finds nothing changed or gone.
    expect((await upgraded.refresh()).summary.resourceChanges).not.toHaveProperty("delete");
    expect((await upgraded.preview({ refresh: true })).changeSummary).not.toHaveProperty("update");
  });
});
