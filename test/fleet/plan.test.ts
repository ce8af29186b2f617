import fc from "fast-check";
import { UsageError } from "../../cli/errors";
import {
  allowedFailures,
  DEFAULT_WAVES,
  describeWaves,
  limitExceeded,
  parseMaxFailures,
  parseWaves,
  planWaves,
  stepTarget,
  type WaveStep,
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

  it.each(["", "1,,100%", "0", "0%", "101%", "-1", "1.5", "abc", "10%%", "1;100%", Array(21).fill("1").join(",")])(
    "rejects --waves %j",
    (text) => {
      expect(() => parseWaves(text)).toThrow(UsageError);
    },
  );

  const stepArb: fc.Arbitrary<WaveStep> = fc.oneof(
    fc.integer({ min: 1, max: 300 }).map((value) => ({ kind: "count" as const, value })),
    fc.integer({ min: 1, max: 100 }).map((value) => ({ kind: "percent" as const, value })),
  );

  /** Cumulative targets of the steps over n tenants, as the rollout resolves them. */
  const targets = (steps: readonly WaveStep[], n: number): number[] => steps.map((s) => stepTarget(s, n));
  const decreases = (ts: readonly number[]): boolean => ts.some((t, i) => i > 0 && t < (ts[i - 1] as number));

  it("partitions the tenants in order into non-empty waves when the targets never go back, and refuses otherwise (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 250 }), fc.array(stepArb, { minLength: 0, maxLength: 6 }), (n, steps) => {
        const all = [...steps, { kind: "percent" as const, value: 100 }];
        const items = slugs(n);
        if (decreases(targets(all, n))) {
          expect(() => planWaves(items, all)).toThrow(/goes back from \d+ to \d+ of \d+ tenants/);
          return;
        }
        const waves = planWaves(items, all);
        expect(waves.flat()).toEqual(items);
        expect(waves.every((w) => w.length > 0)).toBe(true);
        expect(waves.length).toBeLessThanOrEqual(all.length);
        if (n > 0) expect(waves[0]?.length).toBe(Math.max(1, stepTarget(all[0] as WaveStep, n)));
      }),
    );
  });

  /** Steps that pass parseWaves: each kind's values strictly increasing, the kinds interleaved at random. */
  const increasingArb: fc.Arbitrary<WaveStep[]> = fc
    .tuple(
      fc.uniqueArray(fc.integer({ min: 1, max: 300 }), { maxLength: 10 }),
      fc.uniqueArray(fc.integer({ min: 1, max: 100 }), { maxLength: 10 }),
      fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
    )
    .filter(([counts, percents]) => counts.length + percents.length > 0)
    .map(([counts, percents, picks]) => {
      const c = [...counts].sort((a, b) => a - b).map((value) => ({ kind: "count" as const, value }));
      const p = [...percents].sort((a, b) => a - b).map((value) => ({ kind: "percent" as const, value }));
      const out: WaveStep[] = [];
      for (const pick of picks) {
        const next = (pick ? c : p).shift() ?? c.shift() ?? p.shift();
        if (next !== undefined) out.push(next);
      }
      return out;
    });

  it("round-trips through describeWaves (property)", () => {
    fc.assert(
      fc.property(increasingArb, (steps) => {
        expect(parseWaves(describeWaves(steps))).toEqual(steps);
      }),
    );
  });

  it.each([
    ["10,5", /step 5 after 10 does not grow the target/],
    ["50%,20%", /step 20% after 50% does not grow the target/],
    ["1,10%,10%,100%", /step 10% after 10% does not grow the target/],
    ["1,10%,5,1,100%", /step 1 after 5 does not grow the target/],
  ])("refuses the decreasing or repeated --waves %j before looking at the fleet", (text, message) => {
    expect(() => parseWaves(text)).toThrow(UsageError);
    expect(() => parseWaves(text)).toThrow(message);
  });

  it("refuses counts and percentages that go back once resolved against the fleet, and accepts them where they grow", () => {
    const mixed = parseWaves("1,10%,5,100%");
    expect(planWaves(slugs(20), mixed).map((w) => w.length)).toEqual([1, 1, 3, 15]);
    expect(() => planWaves(slugs(100), mixed)).toThrow(
      /--waves 1,10%,5,100%: step 3 \(5\) goes back from 10 to 5 of 100 tenants/,
    );
    expect(() => planWaves(slugs(10), parseWaves("8,50%,100%"))).toThrow(
      /step 2 \(50%\) goes back from 8 to 5 of 10 tenants/,
    );
    // Equal once resolved is no step back: 10% of 5 and the capped count both add nobody.
    expect(planWaves(slugs(5), parseWaves("1,10%,9,100%")).map((w) => w.length)).toEqual([1, 4]);
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
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 500 }),
        (total, percent, failures) => {
          const limit = parseMaxFailures(`${percent}%`);
          if (limitExceeded(failures, limit, total)) expect(limitExceeded(failures + 1, limit, total)).toBe(true);
          if (percent < 100 && limitExceeded(failures, parseMaxFailures(`${percent + 1}%`), total))
            expect(limitExceeded(failures, limit, total)).toBe(true);
          expect(allowedFailures(limit, total)).toBeLessThanOrEqual(total);
        },
      ),
    );
  });
});
