/** What a distributed rollout's facts mean: phases across epochs, wave gating, the failure limit (fleet-view.ts). */
import type { FleetFacts } from "../../../cli/fleet/runner/fleet-view";
import { decide, failureCount, openWave, tenantPhase } from "../../../cli/fleet/runner/fleet-view";
import type { FleetPlan } from "../../../cli/fleet/runner/fleet-records";

const plan: FleetPlan = {
  id: "2026-12-03T10-00-00-000Z-abcdef",
  env: "dev",
  waves: [["a"], ["b", "c"], ["d", "e", "f"]],
  pinned: [],
  options: {
    image: "img:2",
    waves: "1,3,100%",
    maxFailures: { kind: "count", value: 1 },
    selectors: [],
    includePinned: false,
    health: "none",
    healthUrl: undefined,
  },
  createdAt: "2026-12-03T10:00:00.000Z",
  createdBy: { host: "h", pid: 1 },
};

function facts(
  epoch: number,
  finished: Record<number, string[]>,
  failed: Record<number, string[]> = {},
  halted = false,
): FleetFacts {
  const toMap = (r: Record<number, string[]>) => new Map(Object.entries(r).map(([e, s]) => [Number(e), new Set(s)]));
  return {
    plan,
    epoch: {
      epoch,
      at: plan.createdAt,
      maxFailures: { kind: "count", value: 1 },
      health: "none",
      healthUrl: undefined,
    },
    finished: toMap(finished),
    failed: toMap(failed),
    halt: halted ? { epoch, reason: "halted in wave 2/3", at: plan.createdAt, runner: "r" } : undefined,
  };
}

it("opens wave k+1 only when every tenant of wave k is done or failed", () => {
  expect(decide(facts(0, {}))).toEqual({ kind: "work", wave: 0, open: ["a"] });
  expect(decide(facts(0, { 0: ["a", "b"] }))).toEqual({ kind: "work", wave: 1, open: ["c"] });
  expect(decide(facts(0, { 0: ["a", "b", "c"] }, { 0: ["c"] }))).toEqual({
    kind: "work",
    wave: 2,
    open: ["d", "e", "f"],
  });
});

it("asks for a halt once failures pass the limit, and reports a recorded halt", () => {
  const over = facts(0, { 0: ["a", "b", "c"] }, { 0: ["b", "c"] });
  expect(failureCount(over)).toBe(2);
  expect(decide(over)).toMatchObject({
    kind: "halt",
    reason: expect.stringMatching(/2 failure\(s\), 1 allowed \(--max-failures 1\)/),
  });
  expect(decide(facts(0, { 0: ["a", "b", "c"] }, { 0: ["b", "c"] }, true))).toMatchObject({ kind: "halted" });
});

it("a failure marker without its outcome already counts (it is written first)", () => {
  expect(tenantPhase(facts(0, {}, { 0: ["a"] }), "a")).toBe("failed");
  expect(openWave(facts(0, {}, { 0: ["a"] }))).toBe(1);
});

it("a new epoch keeps successes, reopens the failures of earlier epochs and stops counting them", () => {
  const resumed = facts(1, { 0: ["a", "b", "c"] }, { 0: ["b", "c"] });
  expect(tenantPhase(resumed, "a")).toBe("done");
  expect(tenantPhase(resumed, "b")).toBe("open");
  expect(failureCount(resumed)).toBe(0);
  expect(decide(resumed)).toEqual({ kind: "work", wave: 1, open: ["b", "c"] });
});

it("is complete when nothing is open, with the failures within the limit", () => {
  expect(decide(facts(0, { 0: ["a", "b", "c", "d", "e", "f"] }, { 0: ["e"] }))).toEqual({
    kind: "complete",
    failures: 1,
  });
});
