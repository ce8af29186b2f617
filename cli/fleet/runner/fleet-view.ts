/**
 * What a distributed rollout's records mean, as pure functions over the facts read from them (fleet-records.ts).
 * Every runner decides from these between claims: the current wave (the first with a tenant still open), whether
 * the epoch is over its failure limit (then it halts the epoch for everyone), or whether everything is done.
 * Waves gate: a tenant of wave k+1 is never a candidate while a tenant of wave k is open, whoever holds it.
 */
import { allowedFailures, describeLimit, limitExceeded } from "../plan";
import type { FleetEpoch, FleetHalt, FleetPlan } from "./fleet-records";

export interface FleetFacts {
  readonly plan: FleetPlan;
  readonly epoch: FleetEpoch;
  /** epoch → slugs with an outcome recorded in it. */
  readonly finished: ReadonlyMap<number, ReadonlySet<string>>;
  /** epoch → slugs whose outcome in it is failed or unhealthy. */
  readonly failed: ReadonlyMap<number, ReadonlySet<string>>;
  readonly halt: FleetHalt | undefined;
}

/** done: upgraded or skipped in some epoch; failed: failed/unhealthy in the current epoch; open: to do in it. */
export type TenantPhase = "done" | "failed" | "open";

const none: ReadonlySet<string> = new Set();

export function tenantPhase(facts: FleetFacts, slug: string): TenantPhase {
  for (let e = 0; e <= facts.epoch.epoch; e++) {
    if ((facts.finished.get(e) ?? none).has(slug) && !(facts.failed.get(e) ?? none).has(slug)) return "done";
  }
  return (facts.failed.get(facts.epoch.epoch) ?? none).has(slug) ? "failed" : "open";
}

export function plannedTenants(facts: FleetFacts): number {
  return facts.plan.waves.reduce((n, w) => n + w.length, 0);
}

export function failureCount(facts: FleetFacts): number {
  const all = new Set(facts.plan.waves.flat());
  return [...(facts.failed.get(facts.epoch.epoch) ?? none)].filter((slug) => all.has(slug)).length;
}

/** The first wave with an open tenant; waves.length when none is left. */
export function openWave(facts: FleetFacts): number {
  const at = facts.plan.waves.findIndex((slugs) => slugs.some((slug) => tenantPhase(facts, slug) === "open"));
  return at === -1 ? facts.plan.waves.length : at;
}

export type FleetDecision =
  | { readonly kind: "halted"; readonly reason: string }
  /** Over the limit and not yet halted: the runner that sees it records the halt. */
  | { readonly kind: "halt"; readonly reason: string }
  | { readonly kind: "complete"; readonly failures: number }
  | { readonly kind: "work"; readonly wave: number; readonly open: readonly string[] };

export function decide(facts: FleetFacts): FleetDecision {
  if (facts.halt !== undefined) return { kind: "halted", reason: facts.halt.reason };
  const failures = failureCount(facts);
  const total = plannedTenants(facts);
  const wave = openWave(facts);
  const waves = facts.plan.waves.length;
  if (limitExceeded(failures, facts.epoch.maxFailures, total)) {
    const allowed = allowedFailures(facts.epoch.maxFailures, total);
    return {
      kind: "halt",
      reason: `halted in wave ${Math.min(wave + 1, waves)}/${waves}: ${failures} failure(s), ${allowed} allowed (--max-failures ${describeLimit(facts.epoch.maxFailures)})`,
    };
  }
  if (wave >= waves) return { kind: "complete", failures };
  return {
    kind: "work",
    wave,
    open: (facts.plan.waves[wave] ?? []).filter((slug) => tenantPhase(facts, slug) === "open"),
  };
}
