import type { EngineEvent } from "@pulumi/pulumi/automation";
import { ProgressRenderer, urnParts } from "../../cli/progress";

const URN =
  "urn:pulumi:dev-acme::tenantctl-tenants::tenantctl:tenant:TenantDatabase$aws:rds/instance:Instance::acme-db";

function clock(start: number): { now: () => Date; advance: (ms: number) => void } {
  let t = start;
  return { now: () => new Date(t), advance: (ms) => (t += ms) };
}

const pre = (op: string): EngineEvent =>
  ({
    sequence: 1,
    timestamp: 0,
    resourcePreEvent: { metadata: { op, urn: URN, type: "aws:rds/instance:Instance", provider: "" } },
  }) as unknown as EngineEvent;
const done = (op: string): EngineEvent =>
  ({
    sequence: 2,
    timestamp: 0,
    resOutputsEvent: { metadata: { op, urn: URN, type: "aws:rds/instance:Instance", provider: "" } },
  }) as unknown as EngineEvent;

describe("progress", () => {
  it("splits URNs into type and name", () => {
    expect(urnParts(URN)).toEqual({ type: "aws:rds/instance:Instance", name: "acme-db" });
  });

  it("prints per-resource lines with elapsed time on a TTY", () => {
    const lines: string[] = [];
    const c = clock(0);
    const r = new ProgressRenderer((l) => lines.push(l), true, c.now);
    r.handle(pre("create"));
    c.advance(12_300);
    r.handle(done("create"));
    expect(lines).toEqual([
      "  creating aws:rds/instance:Instance acme-db …",
      "  ✓ created aws:rds/instance:Instance acme-db (12.3s)",
    ]);
  });

  it("prints timestamped plain lines without a TTY and skips unchanged resources", () => {
    const lines: string[] = [];
    const c = clock(Date.parse("2026-01-01T00:00:00Z"));
    const r = new ProgressRenderer((l) => lines.push(l), false, c.now);
    r.handle(pre("same"));
    r.handle(done("same"));
    r.handle(pre("update"));
    c.advance(1000);
    r.handle(done("update"));
    expect(lines).toEqual([
      "2026-01-01T00:00:00.000Z updating aws:rds/instance:Instance acme-db",
      "2026-01-01T00:00:01.000Z updated aws:rds/instance:Instance acme-db (1.0s)",
    ]);
  });

  it("remembers failed resources with the provider's error, without colour codes", () => {
    const r = new ProgressRenderer(
      () => undefined,
      false,
      () => new Date(0),
    );
    r.handle(pre("create"));
    r.handle({
      sequence: 3,
      timestamp: 0,
      diagnosticEvent: {
        urn: URN,
        message: "<{%reset%}>creating RDS DB Instance (acme-db): \u001b[31mInternalFailure\u001b[0m: boom<{%reset%}>\n",
        color: "never",
        severity: "error",
      },
    } as EngineEvent);
    r.handle({
      sequence: 4,
      timestamp: 0,
      resOpFailedEvent: {
        metadata: { op: "create", urn: URN, type: "aws:rds/instance:Instance", provider: "" },
        status: 1,
        steps: 0,
      },
    } as unknown as EngineEvent);
    r.handle({
      sequence: 5,
      timestamp: 0,
      summaryEvent: { maybeCorrupt: false, durationSeconds: 1, resourceChanges: { create: 3 }, policyPacks: {} },
    } as EngineEvent);
    expect(r.failures()).toEqual([
      {
        urn: URN,
        type: "aws:rds/instance:Instance",
        name: "acme-db",
        message: "creating RDS DB Instance (acme-db): InternalFailure: boom",
      },
    ]);
    expect(r.changes()).toEqual({ create: 3 });
  });
});
