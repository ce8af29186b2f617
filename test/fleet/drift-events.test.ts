import type { EngineEvent } from "@pulumi/pulumi/automation";
import { driftedFromEvent } from "../../cli/fleet/tenant-drift";

const urn = "urn:pulumi:dev-acme::tenantctl-tenants::tenantctl:tenant:TenantService$aws:ecs/service:Service::acme-svc";
const state = {
  type: "aws:ecs/service:Service",
  urn,
  custom: true,
  delete: false,
  id: "x",
  parent: "",
  protect: false,
  inputs: {},
  outputs: {},
  provider: "",
};
const event = (metadata: Record<string, unknown>): EngineEvent =>
  ({
    sequence: 1,
    timestamp: 0,
    resOutputsEvent: { metadata: { type: "aws:ecs/service:Service", urn, provider: "", ...metadata } },
  }) as unknown as EngineEvent;

describe("drift from refresh events", () => {
  it("reports a refresh step with diffs as an update naming the properties", () => {
    expect(driftedFromEvent(event({ op: "refresh", old: state, new: state, diffs: ["desiredCount"] }))).toEqual({
      type: "aws:ecs/service:Service",
      name: "acme-svc",
      op: "update",
      keys: ["desiredCount"],
    });
  });

  it("reports explicit update and delete steps, and a refresh that found the resource gone", () => {
    expect(driftedFromEvent(event({ op: "update", old: state, new: state }))?.op).toBe("update");
    expect(driftedFromEvent(event({ op: "delete", old: state }))?.op).toBe("delete");
    expect(driftedFromEvent(event({ op: "refresh", old: state }))?.op).toBe("delete");
  });

  it("ignores unchanged resources, the stack and providers", () => {
    expect(driftedFromEvent(event({ op: "refresh", old: state, new: state }))).toBeUndefined();
    expect(driftedFromEvent(event({ op: "same", old: state, new: state }))).toBeUndefined();
    expect(
      driftedFromEvent(event({ op: "update", type: "pulumi:pulumi:Stack", old: state, new: state, diffs: ["x"] })),
    ).toBeUndefined();
    expect(driftedFromEvent({ sequence: 1, timestamp: 0 } as EngineEvent)).toBeUndefined();
  });
});
