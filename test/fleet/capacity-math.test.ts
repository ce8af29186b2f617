import fc from "fast-check";
import { UsageError } from "../../cli/errors";
import {
  capacityRows,
  DEFAULT_QUOTAS,
  placeTenant,
  quotasFromEnv,
  type FleetCounts,
} from "../../cli/capacity/capacity-math";

const counts = (stacksInAccount: number, perAlb: Record<string, number>): FleetCounts => ({
  stacksInAccount,
  stacksPerAlb: perAlb,
  prioritiesPerAlb: perAlb,
});

describe("capacity maths", () => {
  it("reports each limit with what is used and how many tenants still fit", () => {
    const rows = capacityRows(counts(30, { "alb-0": 30 }), DEFAULT_QUOTAS, "dev");
    expect(rows.find((r) => r.limit === "rds-instances")).toMatchObject({
      used: 30,
      max: 40,
      tenantsLeft: 10,
      adjustable: true,
    });
    expect(rows.find((r) => r.limit === "iam-roles")).toMatchObject({ used: 90, max: 1000, tenantsLeft: 303 });
    expect(rows.find((r) => r.limit === "target-groups-per-alb")).toMatchObject({
      scope: "alb-0",
      used: 30,
      max: 100,
      adjustable: false,
    });
  });

  it("places a tenant on the ALB with the most room, keeping its own ALB when that has room", () => {
    const rows = capacityRows(counts(3, { "alb-0": 2, "alb-1": 1 }), DEFAULT_QUOTAS, "dev");
    expect(placeTenant(rows)).toEqual({ ok: true, loadBalancer: "alb-1" });
    expect(placeTenant(rows, "alb-0")).toEqual({ ok: true, loadBalancer: "alb-0" });
  });

  it("refuses at the RDS quota, naming it and how to raise it", () => {
    const refusal = placeTenant(capacityRows(counts(40, { "alb-0": 40 }), DEFAULT_QUOTAS, "dev"));
    expect(refusal).toMatchObject({ ok: false, limit: "rds-instances" });
    expect(!refusal.ok && refusal.fix).toMatch(/raise the RDS "DB instances" quota/);
  });

  it("refuses when every ALB is at the target group cap, pointing at a new ALB shard", () => {
    const refusal = placeTenant(
      capacityRows(counts(200, { "alb-0": 100, "alb-1": 100 }), { ...DEFAULT_QUOTAS, rdsInstances: 1000 }, "prod"),
    );
    expect(refusal).toMatchObject({ ok: false, limit: "target-groups-per-alb" });
    expect(!refusal.ok && refusal.fix).toBe("add an ALB shard: tenantctl shared up --env prod --config albCount=3");
  });

  it("reads quotas from TENANTCTL_QUOTA_* and refuses nonsense", () => {
    expect(quotasFromEnv({ TENANTCTL_QUOTA_RDS_INSTANCES: "120" }).rdsInstances).toBe(120);
    expect(() => quotasFromEnv({ TENANTCTL_QUOTA_RDS_INSTANCES: "lots" })).toThrow(UsageError);
    expect(() => quotasFromEnv({ TENANTCTL_QUOTA_TARGET_GROUPS_PER_ALB: "150" })).toThrow(/hard limit/);
  });

  it("never places a tenant where it would cross a limit, and refuses only when no ALB fits (property)", () => {
    const arb = fc.record({
      rds: fc.integer({ min: 0, max: 60 }),
      tg: fc.integer({ min: 1, max: 100 }),
      albs: fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 4 }),
    });
    fc.assert(
      fc.property(arb, ({ rds, tg, albs }) => {
        const perAlb = Object.fromEntries(albs.map((n, i) => [`alb-${i}`, n]));
        const total = albs.reduce((a, b) => a + b, 0);
        const quotas = { ...DEFAULT_QUOTAS, rdsInstances: rds, targetGroupsPerAlb: tg };
        const placement = placeTenant(capacityRows(counts(total, perAlb), quotas, "dev"));
        const fits = total + 1 <= rds && 2 * (total + 1) <= quotas.iamRoles && albs.some((n) => n + 1 <= tg);
        expect(placement.ok).toBe(fits);
        if (placement.ok) expect((perAlb[placement.loadBalancer] ?? 0) + 1).toBeLessThanOrEqual(tg);
      }),
    );
  });
});
