/**
 * The pool's pure parts, without Pulumi: flag checks, which slots are claimable and in which order a drain takes them,
 * the status document's states and costs, and when a claim counts as abandoned.
 */
import { hostname } from "node:os";
import { slotSpec } from "../../infra/pool-spec";
import { drainOrder } from "../../cli/pool/drain";
import { poolSizeProblem, poolTierProblem } from "../../cli/pool/input";
import { CLAIM_STALE_MS, claimable, isStaleClaim, newClaimRecord, type SlotView } from "../../cli/pool/records";
import { poolStatusOf } from "../../cli/pool/status";

const NOW = new Date("2026-12-03T12:00:00Z");
const slot = (tenantId: string, over: Partial<SlotView> = {}): SlotView => {
  const spec = slotSpec({
    tenantId,
    env: "dev",
    tier: "basic",
    image: "registry.example.com/app:1",
    listenerPriority: 100,
    loadBalancer: "alb-0",
  });
  return {
    tenantId,
    env: "dev",
    tier: "basic",
    image: spec.image,
    loadBalancer: "alb-0",
    listenerPriority: 100,
    createdAt: "2026-12-03T10:00:00.000Z",
    status: "succeeded",
    message: undefined,
    health: undefined,
    claim: undefined,
    spec,
    ...over,
  };
};

describe("pool flags", () => {
  it("name the bad value and what is allowed", () => {
    expect(poolTierProblem(undefined)).toBe("--tier is required (allowed: basic, standard, premium)");
    expect(poolTierProblem("preview")).toBe('--tier "preview" is not a pool tier (allowed: basic, standard, premium)');
    expect(poolTierProblem("premium")).toBeUndefined();
    expect(poolSizeProblem(undefined, 0)).toBe("--size is required (allowed: a whole number 0-50)");
    expect(poolSizeProblem("-1", 0)).toBe('--size "-1" is not a whole number (allowed: a whole number 0-50)');
    expect(poolSizeProblem("51", 0)).toBe("--size 51 is out of range (allowed: a whole number 0-50)");
    expect(poolSizeProblem("0", 1)).toBe("--size 0 is out of range (allowed: a whole number 1-50)");
    expect(poolSizeProblem("0", 0)).toBeUndefined();
  });
});

describe("slots", () => {
  const healthy = { tenantId: "x", healthy: true, reason: undefined, checkedAt: NOW.toISOString() };
  const sick = { ...healthy, healthy: false, reason: "db gone" };
  const claim = newClaimRecord({ ...slot("tbbbbbbbbbb").spec, slug: "acme", slot: undefined }, NOW);

  it("are claimable only when created, not found unhealthy and not held", () => {
    expect(claimable(slot("taaaaaaaaaa"))).toBe(true);
    expect(claimable(slot("taaaaaaaaaa", { health: healthy }))).toBe(true);
    expect(claimable(slot("taaaaaaaaaa", { health: sick }))).toBe(false);
    expect(claimable(slot("taaaaaaaaaa", { status: "failed" }))).toBe(false);
    expect(claimable(slot("taaaaaaaaaa", { status: "in-progress" }))).toBe(false);
    expect(claimable(slot("taaaaaaaaaa", { claim }))).toBe(false);
  });

  it("are drained unusable first, then newest first, never one held by a claim", () => {
    const slots = [
      slot("taaaaaaaaaa", { createdAt: "2026-12-03T09:00:00.000Z" }),
      slot("tbbbbbbbbbb", { createdAt: "2026-12-03T11:00:00.000Z" }),
      slot("tcccccccccc", { createdAt: "2026-12-03T08:00:00.000Z", health: sick }),
      slot("tdddddddddd", { claim }),
      { ...slot("teeeeeeeeee"), tier: "standard" },
    ];
    expect(drainOrder(slots, "basic", undefined).map((s) => s.tenantId)).toEqual([
      "tcccccccccc",
      "tbbbbbbbbbb",
      "taaaaaaaaaa",
    ]);
    expect(drainOrder(slots, "basic", 2).map((s) => s.tenantId)).toEqual(["tcccccccccc", "tbbbbbbbbbb"]);
  });

  it("are reported with state, age and the idle cost per tier", () => {
    const status = poolStatusOf(
      "dev",
      [slot("taaaaaaaaaa"), slot("tbbbbbbbbbb", { health: sick }), slot("tcccccccccc", { claim })],
      NOW,
    );
    expect(status.slots.map((s) => [s.tenantId, s.state, s.reason, s.ageSeconds])).toEqual([
      ["taaaaaaaaaa", "ready", null, 7200],
      ["tbbbbbbbbbb", "unhealthy", "db gone", 7200],
      ["tcccccccccc", "claiming", "claimed for acme", 7200],
    ]);
    expect(status.tiers["basic"]).toEqual({ slots: 3, ready: 1, monthlyCostUsd: 73.77 });
    expect(status.tiers["premium"]).toEqual({ slots: 0, ready: 0, monthlyCostUsd: 0 });
    expect(status.monthlyCostUsd).toBe(73.77);
  });
});

describe("an abandoned claim", () => {
  it("is one whose process is gone on this machine, or any older than the limit", () => {
    const base = { host: hostname(), startedAt: NOW.toISOString() };
    expect(isStaleClaim({ ...base, pid: process.pid }, NOW)).toBe(false);
    expect(isStaleClaim({ ...base, pid: 2 ** 22 + 12345 }, NOW)).toBe(true);
    expect(isStaleClaim({ ...base, host: "another-machine", pid: 2 ** 22 + 12345 }, NOW)).toBe(false);
    expect(
      isStaleClaim({ ...base, host: "another-machine", pid: 1 }, new Date(NOW.getTime() + CLAIM_STALE_MS + 1)),
    ).toBe(true);
  });
});
