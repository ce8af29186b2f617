/**
 * The plan of a rollout, pure and tested with properties (test/fleet/plan.test.ts):
 *  - waves (`--waves 1,10%,50%,100%`): each step is a cumulative target, an absolute number of tenants or a percentage of
 *    all of them (rounded up, so 10% of 12 is 2). Counts must increase from step to step and so must percentages, and once
 *    resolved against the fleet size no target may be below an earlier one (`1,10%,5` is fine for 20 tenants, 1, 2, 5,
 *    and refused for 100, 1, 10, 5): a decreasing list is a typo, never a plan. Targets that are equal once resolved
 *    (10% of 5 is the canary again, or counts capped at the fleet size) add nobody and are dropped. The last step must
 *    reach everyone.
 *  - the failure limit (`--max-failures K` or `P%`): failed upgrades plus failed health checks tolerated before the
 *    rollout halts. A percentage is of the tenants the rollout plans to upgrade, rounded down (10% of 12 tolerates 1).
 */
import { UsageError } from "../errors";

export const DEFAULT_WAVES = "1,10%,50%,100%";
export const MAX_WAVE_STEPS = 20;
const WAVES_ALLOWED = `allowed: cumulative targets that only grow, counts and percentages each strictly increasing, e.g. ${DEFAULT_WAVES}`;

export type WaveStep =
  { readonly kind: "count"; readonly value: number } | { readonly kind: "percent"; readonly value: number };

function parseStep(part: string, text: string): WaveStep {
  const percent = /^(\d{1,3})%$/.exec(part);
  if (percent !== null) {
    const value = Number(percent[1]);
    if (value >= 1 && value <= 100) return { kind: "percent", value };
  } else if (/^\d{1,6}$/.test(part) && Number(part) >= 1) {
    return { kind: "count", value: Number(part) };
  }
  throw new UsageError(
    `--waves "${text}": "${part}" is not a wave step (allowed: a tenant count ≥ 1 or a percentage 1%-100%, e.g. ${DEFAULT_WAVES})`,
  );
}

/** Parses `1,10%,50%,100%`; throws UsageError naming the bad step. */
export function parseWaves(text: string): WaveStep[] {
  const parts = text.split(",").map((p) => p.trim());
  if (text.trim() === "" || parts.some((p) => p === "")) {
    throw new UsageError(
      `--waves "${text}" has an empty step (allowed: comma-separated counts and percentages, e.g. ${DEFAULT_WAVES})`,
    );
  }
  if (parts.length > MAX_WAVE_STEPS) {
    throw new UsageError(`--waves "${text}" has ${parts.length} steps (allowed: at most ${MAX_WAVE_STEPS})`);
  }
  const steps = parts.map((part) => parseStep(part, text));
  const problem = decreasingStep(steps);
  if (problem !== undefined) throw new UsageError(`--waves "${text}": ${problem} (${WAVES_ALLOWED})`);
  return steps;
}

/** The first count not above an earlier count, or percentage not above an earlier percentage; decidable without the fleet. */
function decreasingStep(steps: readonly WaveStep[]): string | undefined {
  const last: Partial<Record<WaveStep["kind"], WaveStep>> = {};
  for (const step of steps) {
    const before = last[step.kind];
    if (before !== undefined && step.value <= before.value) {
      return `step ${describeWaves([step])} after ${describeWaves([before])} does not grow the target`;
    }
    last[step.kind] = step;
  }
  return undefined;
}

/** The step's cumulative number of tenants out of `total`. */
export function stepTarget(step: WaveStep, total: number): number {
  const raw = step.kind === "count" ? step.value : Math.ceil((total * step.value) / 100);
  return Math.min(total, raw);
}

export function describeWaves(steps: readonly WaveStep[]): string {
  return steps.map((s) => (s.kind === "count" ? String(s.value) : `${s.value}%`)).join(",");
}

/**
 * Splits `items` (already in rollout order) into waves. Throws UsageError when a resolved target goes back below an
 * earlier one, and when the steps stop short of everyone, because a rollout that silently leaves tenants behind is
 * worse than asking for an explicit `100%`.
 */
export function planWaves<T>(items: readonly T[], steps: readonly WaveStep[]): T[][] {
  const waves: T[][] = [];
  let covered = 0;
  for (const [i, step] of steps.entries()) {
    const target = stepTarget(step, items.length);
    if (target < covered) {
      throw new UsageError(
        `--waves ${describeWaves(steps)}: step ${i + 1} (${describeWaves([step])}) goes back from ${covered} to ${target} of ${items.length} tenants (${WAVES_ALLOWED})`,
      );
    }
    if (target > covered) waves.push(items.slice(covered, target));
    covered = target;
  }
  if (covered < items.length) {
    throw new UsageError(
      `--waves ${describeWaves(steps)} reaches only ${covered} of ${items.length} tenants (allowed: a list whose last step covers everyone, e.g. end it with 100%)`,
    );
  }
  return waves;
}

// Failure limit

export const DEFAULT_MAX_FAILURES = "0";

export type FailureLimit =
  { readonly kind: "count"; readonly value: number } | { readonly kind: "percent"; readonly value: number };

export function parseMaxFailures(text: string): FailureLimit {
  const trimmed = text.trim();
  const percent = /^(\d{1,3})%$/.exec(trimmed);
  if (percent !== null && Number(percent[1]) <= 100) return { kind: "percent", value: Number(percent[1]) };
  if (/^\d{1,6}$/.test(trimmed)) return { kind: "count", value: Number(trimmed) };
  throw new UsageError(
    `--max-failures "${text}" is not a limit (allowed: a count ≥ 0 such as 3, or a percentage 0%-100% such as 10%)`,
  );
}

export function describeLimit(limit: FailureLimit): string {
  return limit.kind === "count" ? String(limit.value) : `${limit.value}%`;
}

/** Failures tolerated among `total` planned tenants. */
export function allowedFailures(limit: FailureLimit, total: number): number {
  return limit.kind === "count" ? limit.value : Math.floor((total * limit.value) / 100);
}

/** True once the failures pass the limit: the rollout starts no further tenant. */
export function limitExceeded(failures: number, limit: FailureLimit, total: number): boolean {
  return failures > allowedFailures(limit, total);
}
