import fc from "fast-check";
import {
  complete,
  countByStatus,
  createRollout,
  failureCount,
  firstOpenWave,
  markFinished,
  markRunning,
  markUnhealthy,
  overLimit,
  pendingInWave,
  resume,
  type RolloutOptions,
  type RolloutState,
} from "../../cli/fleet/rollout-state";
import { parseMaxFailures } from "../../cli/fleet/plan";

const at = new Date("2026-11-24T00:00:00Z");
const owner = { host: "h", pid: 1 };
const options = (maxFailures = "0"): RolloutOptions => ({
  image: "r.example.com/app:2",
  waves: "1,100%",
  maxFailures: parseMaxFailures(maxFailures),
  selectors: [],
  includePinned: false,
  health: "none",
  healthUrl: undefined,
});
const rollout = (waves: string[][], maxFailures = "0"): RolloutState =>
  createRollout({ id: "r1", env: "dev", options: options(maxFailures), waves, pinned: ["p"], owner, at });

const run = (s: RolloutState, slug: string, ok: boolean): RolloutState =>
  markFinished(markRunning(s, slug, at), slug, ok ? { ok, previousImage: "old" } : { ok, error: "boom" }, at);

describe("rollout state", () => {
  it("starts with every tenant pending in its wave", () => {
    const s = rollout([["a"], ["b", "c"]]);
    expect(pendingInWave(s, 1)).toEqual(["b", "c"]);
    expect(firstOpenWave(s)).toBe(0);
    expect(countByStatus(s)).toMatchObject({ pending: 3, pinned: 1 });
  });

  it("moves pending → running → upgraded/failed, and upgraded → unhealthy", () => {
    let s = run(rollout([["a"], ["b", "c"]]), "a", true);
    expect(s.tenants.a).toMatchObject({ status: "upgraded", attempts: 1, previousImage: "old" });
    expect(firstOpenWave(s)).toBe(1);
    s = run(s, "b", false);
    expect(s.tenants.b).toMatchObject({ status: "failed", error: "boom" });
    s = markUnhealthy(s, "a", "GET → 503", at);
    expect(failureCount(s)).toBe(2);
  });

  it("refuses impossible transitions", () => {
    const s = rollout([["a"]]);
    expect(() => markFinished(s, "a", { ok: true }, at)).toThrow(/cannot finish from pending/);
    expect(() => markRunning(run(s, "a", true), "a", at)).toThrow(/cannot start from upgraded/);
    expect(() => markUnhealthy(s, "a", "x", at)).toThrow(/cannot turn unhealthy/);
    expect(() => complete(s, at)).toThrow(/pending/);
    expect(() => markRunning(s, "zz", at)).toThrow(/no tenant zz/);
  });

  it("records a tenant found pinned at its turn as skipped, which is not a failure", () => {
    const s = markFinished(markRunning(rollout([["a"]]), "a", at), "a", { ok: true, skipped: "pinned to x" }, at);
    expect(s.tenants.a?.status).toBe("skipped");
    expect(failureCount(s)).toBe(0);
    expect(complete(s, at).status).toBe("completed");
  });

  it("resume retries failed, unhealthy and interrupted tenants and keeps the upgraded ones", () => {
    let s = run(rollout([["a", "b", "c", "d"]], "5"), "a", true);
    s = run(s, "b", false);
    s = markUnhealthy(run(s, "c", true), "c", "down", at);
    s = markRunning(s, "d", at);
    const r = resume(s, { host: "h2", pid: 2 }, at);
    expect(Object.values(r.tenants).map((t) => t.status)).toEqual(["upgraded", "pending", "pending", "pending"]);
    expect(failureCount(r)).toBe(0);
    expect(r.owner).toEqual({ host: "h2", pid: 2 });
  });

  it("never loses or duplicates a tenant and counts failures consistently under any transition sequence (property)", () => {
    const ops = fc.array(
      fc.record({
        slug: fc.constantFrom("a", "b", "c", "d", "e"),
        op: fc.constantFrom("start", "ok", "fail", "unhealthy", "resume"),
      }),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(ops, (sequence) => {
        let s = rollout([["a"], ["b", "c"], ["d", "e"]], "1");
        for (const { slug, op } of sequence) {
          try {
            if (op === "start") s = markRunning(s, slug, at);
            else if (op === "ok") s = markFinished(s, slug, { ok: true }, at);
            else if (op === "fail") s = markFinished(s, slug, { ok: false, error: "x" }, at);
            else if (op === "unhealthy") s = markUnhealthy(s, slug, "x", at);
            else s = resume(s, owner, at);
          } catch {
            // an impossible transition leaves the state as it was
          }
          const counts = countByStatus(s);
          expect(
            counts.pending + counts.running + counts.upgraded + counts.skipped + counts.failed + counts.unhealthy,
          ).toBe(5);
          expect(failureCount(s)).toBe(counts.failed + counts.unhealthy);
          expect(overLimit(s)).toBe(failureCount(s) > 1);
        }
      }),
    );
  });
});
