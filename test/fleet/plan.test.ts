import fc from "fast-check";
import { UsageError } from "../../cli/errors";
import {
  allowedFailures, DEFAULT_WAVES, describeWaves, limitExceeded, parseMaxFailures, parseWaves, planWaves, stepTarget, type WaveStep,
} from "../../cli/fleet/plan";

const slugs = (n: number): string[] => Array.from({ length: n }, (_, i) => `t${String(i + 1).padStart(3, "0")}`);

describe("wave planning", () => {
  it("plans the default 1,10%,50%,100% over 12 tenants as cumulative targets 1, 2, 6, 12", () => {
    const waves = planWaves(slugs(12), parseWaves(DEFAULT_WAVES));
    expect(waves.map((w) => w.length)).toEqual([1, 1, 4, 6]);
    expect(waves[0]).toEqual(["t001"]);
  });

  it("drops waves that would add nobody (10% of 5 is the canary again)", () => {
    expect(planWaves(slugs(5), parseWaves("1,10%,50%,100%")).map((w) => w.length)).toEqual([1, 2, 2]);
  });

  it("plans nothing for an empty fleet", () => {
    expect(planWaves([], parseWaves(DEFAULT_WAVES))).toEqual([]);
  });

  it("refuses steps that stop short of everyone", () => {
    expect(() => planWaves(slugs(10), parseWaves("1,50%"))).toThrow(/reaches only 5 of 10 tenants/);
    expect(() => planWaves(slugs(10), parseWaves("1,3"))).toThrow(UsageError);
  });

  it.each(["", "1,,100%", "0", "0%", "101%", "-1", "1.5", "abc", "10%%", "1;100%", Array(21).fill("1").join(",")])("rejects --waves %j", (text) => {
    expect(() => parseWaves(text)).toThrow(UsageError);
  });

  const stepArb: fc.Arbitrary<WaveStep> = fc.oneof(
    fc.integer({ min: 1, max: 300 }).map((value) => ({ kind: "count" as const, value })),
    fc.integer({ min: 1, max: 100 }).map((value) => ({ kind: "percent" as const, value })),
  );

  it("partitions the tenants in order into non-empty waves, one per step at most (property)", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 250 }), fc.array(stepArb, { minLength: 0, maxLength: 6 }), (n, steps) => {
      const all = [...steps, { kind: "percent" as const, value: 100 }];
      const items = slugs(n);
      const waves = planWaves(items, all);
      expect(waves.flat()).toEqual(items);
      expect(waves.every((w) => w.length > 0)).toBe(true);
      expect(waves.length).toBeLessThanOrEqual(all.length);
      if (n > 0) expect(waves[0]?.length).toBe(Math.max(1, stepTarget(all[0] as WaveStep, n)));
    }));
  });

  it("round-trips through describeWaves (property)", () => {
    fc.assert(fc.property(fc.array(stepArb, { minLength: 1, maxLength: 20 }), (steps) => {
      expect(parseWaves(describeWaves(steps))).toEqual(steps);
    }));
  });
});

describe("failure limit", () => {
  it("halts past a count and past a percentage of the planned tenants (rounded down)", () => {
    expect(limitExceeded(0, parseMaxFailures("0"), 12)).toBe(false);
    expect(limitExceeded(1, parseMaxFailures("0"), 12)).toBe(true);
    expect(allowedFailures(parseMaxFailures("10%"), 12)).toBe(1);
    expect(limitExceeded(1, parseMaxFailures("10%"), 12)).toBe(false);
    expect(limitExceeded(2, parseMaxFailures("10%"), 12)).toBe(true);
    expect(limitExceeded(12, parseMaxFailures("100%"), 12)).toBe(false);
  });

  it.each(["", "-1", "1.5", "101%", "x", "5 %", "%"])("rejects --max-failures %j", (text) => {
    expect(() => parseMaxFailures(text)).toThrow(UsageError);
  });

  it("is monotonic: more failures never un-halt, a larger limit never halts earlier (property)", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 500 }), (total, percent, failures) => {
      const limit = parseMaxFailures(`${percent}%`);
      if (limitExceeded(failures, limit, total)) expect(limitExceeded(failures + 1, limit, total)).toBe(true);
      if (percent < 100 && limitExceeded(failures, parseMaxFailures(`${percent + 1}%`), total)) expect(limitExceeded(failures, limit, total)).toBe(true);
      expect(allowedFailures(limit, total)).toBeLessThanOrEqual(total);
    }));
  });
});
