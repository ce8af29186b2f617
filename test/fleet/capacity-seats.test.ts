/**
 * Capacity seats (cli/store/capacity-claims.ts) and race-free placement (placeNewTenant) with many claimers at
 * once: each claimer has its own FileRecordStore over one directory, as separate processes would, and Promise.all
 * interleaves their file operations.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { PrerequisiteError } from "../../cli/errors";
import { placeNewTenant } from "../../cli/capacity/placement";
import {
  ACCOUNT_POOL,
  albPool,
  claimSeat,
  heldSeat,
  releaseSeat,
  seatedStacks,
  takenSeats,
} from "../../cli/store/capacity-claims";
import { claimPriority, releasePriority } from "../../cli/store/priorities";
import { FileRecordStore } from "../../cli/store/records";
import { writeIndexEntry } from "../../cli/store/tenant-index";
import type { SharedOutputs } from "../../infra/shared/outputs";
import { parseTenantSpec } from "../../infra/spec";
import { tempDir } from "../cli/support/memory-io";

const now = new Date("2026-11-24T06:00:00Z");
const holder = (i: number) => ({ project: "tenantctl-tenants", stack: `dev-t${i}`, slug: `t${i}` });
const POOL = "capacity/account";

function shared(albs: number): SharedOutputs {
  const loadBalancers = Array.from({ length: albs }, (_, i) => ({
    id: `alb-${i}`,
    arn: `arn:${i}`,
    dnsName: `d${i}`,
    zoneId: "Z",
    securityGroupId: "sg",
    httpsListenerArn: `l${i}`,
  }));
  return { region: "us-east-1", loadBalancers } as unknown as SharedOutputs;
}

describe("capacity seats", () => {
  it("lets exactly `limit` of many concurrent claimers in, on distinct seats below the limit", async () => {
    const dir = tempDir();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        claimSeat(new FileRecordStore(dir), POOL, holder(i), { limit: 7, unseated: 0, now }),
      ),
    );
    const won = results.filter((s): s is number => s !== undefined);
    expect(won.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const store = new FileRecordStore(dir);
    expect((await takenSeats(store, POOL)).size).toBe(7);
    expect((await seatedStacks(store, POOL)).size).toBe(7);
    expect(readdirSync(join(dir, "capacity", "account", "slots")).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });

  it("counts stacks without seats against the limit", async () => {
    const dir = tempDir();
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        claimSeat(new FileRecordStore(dir), POOL, holder(i), { limit: 5, unseated: 3, now }),
      ),
    );
    expect(results.filter((s) => s !== undefined)).toHaveLength(2);
  });

  it("gives a stack racing itself one seat, and the same seat on a rerun", async () => {
    const dir = tempDir();
    const [a, b] = await Promise.all(
      [0, 1].map(() => claimSeat(new FileRecordStore(dir), POOL, holder(1), { limit: 5, unseated: 0, now })),
    );
    expect(a).toBeDefined();
    expect(b).toBe(a);
    const store = new FileRecordStore(dir);
    expect((await takenSeats(store, POOL)).size).toBe(1);
    expect(await claimSeat(store, POOL, holder(1), { limit: 1, unseated: 0, now })).toBe(a);
  });

  it("frees a seat on release (also one whose stack record was never written), so the next claimer gets it", async () => {
    const store = new FileRecordStore(tempDir());
    for (const i of [0, 1]) await claimSeat(store, POOL, holder(i), { limit: 2, unseated: 0, now });
    expect(await claimSeat(store, POOL, holder(2), { limit: 2, unseated: 0, now })).toBeUndefined();
    await releaseSeat(store, POOL, holder(0));
    expect(await claimSeat(store, POOL, holder(2), { limit: 2, unseated: 0, now })).toBe(0);
    // An interrupted claim: the seat was created, its stack record not.
    await store.remove(`${POOL}/stacks/tenantctl-tenants.dev-t1.json`);
    await releaseSeat(store, POOL, holder(1));
    expect([...(await takenSeats(store, POOL))]).toEqual([0]);
  });

  it("refuses after taking a seat when seats above a lowered limit already fill it", async () => {
    const store = new FileRecordStore(tempDir());
    for (let i = 0; i < 4; i += 1) await claimSeat(store, POOL, holder(i), { limit: 4, unseated: 0, now });
    await releaseSeat(store, POOL, holder(0));
    // The quota is lowered to 3 while 3 seats (1, 2, 3) are held: seat 0 is free and below the limit, yet 3 + 1 > 3.
    expect(await claimSeat(store, POOL, holder(9), { limit: 3, unseated: 0, now })).toBeUndefined();
    expect(await heldSeat(store, POOL, holder(9))).toBeUndefined();
    expect((await takenSeats(store, POOL)).size).toBe(3);
  });
});

describe("placeNewTenant under races", () => {
  const env = { TENANTCTL_QUOTA_TARGET_GROUPS_PER_ALB: "3" };

  it("places exactly as many concurrent new tenants as the ALBs hold; the rest are refused holding nothing", async () => {
    const dir = tempDir();
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        try {
          return await placeNewTenant(new FileRecordStore(dir), "dev", shared(2), env, { self: holder(i), now });
        } catch (error: unknown) {
          if (error instanceof PrerequisiteError) return error;
          throw error;
        }
      }),
    );
    const placed = outcomes.filter((o): o is string => typeof o === "string");
    expect(placed.sort()).toEqual(["alb-0", "alb-0", "alb-0", "alb-1", "alb-1", "alb-1"]);
    const refusals = outcomes.filter((o): o is PrerequisiteError => o instanceof PrerequisiteError);
    expect(refusals).toHaveLength(4);
    for (const r of refusals) expect(r.message).toMatch(/target-groups-per-alb/);
    const store = new FileRecordStore(dir);
    expect((await seatedStacks(store, ACCOUNT_POOL)).size).toBe(6);
    expect((await takenSeats(store, ACCOUNT_POOL)).size).toBe(6);
    for (const alb of ["alb-0", "alb-1"]) expect((await takenSeats(store, albPool("dev", alb))).size).toBe(3);
  });

  it("refuses concurrent new tenants at the RDS quota, counting indexed tenants that hold no seat", async () => {
    const dir = tempDir();
    const store = new FileRecordStore(dir);
    const spec = parseTenantSpec({
      slug: "old-co",
      displayName: "old",
      env: "dev",
      tier: "basic",
      skin: { primaryColor: "#1a73e8" },
      image: "r.example.com/app:1",
      listenerPriority: 100,
      loadBalancer: "alb-0",
    });
    await writeIndexEntry(store, {
      spec,
      project: "tenantctl-tenants",
      stack: "dev-old-co",
      operation: "provision",
      status: "succeeded",
      now,
    });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        placeNewTenant(
          new FileRecordStore(dir),
          "dev",
          shared(1),
          { TENANTCTL_QUOTA_RDS_INSTANCES: "3" },
          { self: holder(i), now },
        ),
      ),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(2);
    for (const o of outcomes) if (o.status === "rejected") expect(String(o.reason)).toMatch(/rds-instances/);
    expect((await takenSeats(store, ACCOUNT_POOL)).size).toBe(2);
  });

  it("is idempotent for a rerun, peeks without claiming, and releasePriority frees the seats", async () => {
    const store = new FileRecordStore(tempDir());
    expect(await placeNewTenant(store, "dev", shared(2), env, { self: holder(1), peek: true, now })).toBe("alb-0");
    expect((await takenSeats(store, ACCOUNT_POOL)).size).toBe(0);
    const alb = await placeNewTenant(store, "dev", shared(2), env, { self: holder(1), now });
    expect(await placeNewTenant(store, "dev", shared(2), env, { self: holder(1), now })).toBe(alb);
    expect((await takenSeats(store, albPool("dev", alb))).size).toBe(1);
    await claimPriority(store, { env: "dev", loadBalancer: alb, ...holder(1), now });
    await releasePriority(store, { env: "dev", loadBalancer: alb, ...holder(1) });
    expect((await takenSeats(store, ACCOUNT_POOL)).size).toBe(0);
    expect((await takenSeats(store, albPool("dev", alb))).size).toBe(0);
  });
});
