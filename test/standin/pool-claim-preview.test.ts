/**
 * A warm-pool claim as the engine sees it (the stand-in through the real Automation API): after the slot is up, a
 * preview of the claimed spec on the slot's stack plans only in-place updates of tags and the listener rule's host,
 * the identity version's replacement and the DNS record's creation — no database change but tags, no task
 * definition revision, no service change but tags.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { claimedSpec, slotSpec } from "../../infra/pool-spec";
import { tenantProgram } from "../../infra/tenant/program";
import { sharedOutputs } from "../infra/fixtures";
import { createStandinWorld, type StandinWorld } from "../support/standin-harness";

jest.setTimeout(300_000);

describe("stand-in pulumi: previewing a warm-pool claim", () => {
  let world: StandinWorld;
  beforeAll(() => {
    world = createStandinWorld();
  });
  afterAll(() => world.cleanup());

  it("plans tags, the rule's host, the identity and the DNS record; nothing else", async () => {
    const shared = sharedOutputs({ hostedZoneId: "Z0123456789ABCDEFGHIJ" });
    const slot = slotSpec({
      tenantId: "tq3x7k2mzpa",
      env: "dev",
      tier: "basic",
      image: "registry.example.com/app:1.0.0",
      listenerPriority: 100,
      loadBalancer: "alb-0",
    });
    const stack = await world.stack("tenantctl-tenants", "dev-tq3x7k2mzpa", tenantProgram(slot, shared));
    await stack.setAllConfig({ "aws:region": { value: shared.region } });
    await stack.up();

    const claimed = claimedSpec(slot, { slug: "acme", displayName: "ACME Corp", skin: { primaryColor: "#ff6600" } });
    const claim = await world.stack("tenantctl-tenants", "dev-tq3x7k2mzpa", tenantProgram(claimed, shared));
    const events: EngineEvent[] = [];
    await claim.preview({ onEvent: (e) => events.push(e), diff: true });
    const steps = events
      .flatMap((e) => (e.resourcePreEvent === undefined ? [] : [e.resourcePreEvent.metadata]))
      .filter((m) => m.type.startsWith("aws:"));
    const planned = (op: string): string[] =>
      steps
        .filter((m) => m.op === op)
        .map((m) => `${m.type}::${m.urn.split("::").pop() ?? ""}`)
        .sort();

    expect(planned("replace")).toEqual(["aws:secretsmanager/secretVersion:SecretVersion::tq3x7k2mzpa-identity-value"]);
    expect(planned("create")).toEqual(["aws:route53/record:Record::tq3x7k2mzpa-dns"]);
    expect(planned("delete")).toEqual([]);
    const updates = steps.filter((m) => m.op === "update");
    for (const m of updates) {
      const keys = (m.diffs ?? []).filter((k) => k !== "tags" && k !== "tagsAll");
      expect({ resource: m.urn.split("::").pop(), keys }).toEqual({
        resource: m.urn.split("::").pop(),
        keys: m.type === "aws:lb/listenerRule:ListenerRule" ? ["conditions"] : [],
      });
    }
    expect(updates.map((m) => m.type)).toEqual(
      expect.arrayContaining([
        "aws:rds/instance:Instance",
        "aws:ecs/service:Service",
        "aws:lb/listenerRule:ListenerRule",
      ]),
    );
    const ops = (type: string): string[] => steps.filter((m) => m.type === type).map((m) => m.op ?? "");
    expect(ops("aws:ecs/taskDefinition:TaskDefinition")).toEqual(["update", "update"]);
    expect(ops("aws:lambda/invocation:Invocation")).toEqual(["same"]);
  });
});
