/**
 * A distributed rollout seen as one RolloutState, so `--status`, the final document of a runner and `--resume` use
 * the same shapes (and rollout-report.ts) as a one-machine rollout. The summary is also written to the usual
 * `rollouts/<env>/<id>.json` (marked `distributed`); it is derived and may lag, the records under fleet/ are the truth.
 */
import { boundedEach } from "../concurrency";
import type { RolloutState, TenantRollout } from "../rollout-state";
import type { FleetOutcome, FleetPlan, FleetRecords } from "./fleet-records";
import { decide, tenantPhase, type FleetFacts } from "./fleet-view";

/** The outcome that decides each finished tenant's status: this epoch's, else the earlier epoch where it succeeded. */
export async function readOutcomes(records: FleetRecords, facts: FleetFacts): Promise<Map<string, FleetOutcome>> {
  const found = new Map<string, FleetOutcome>();
  const wanted: [string, number][] = [];
  for (const slug of facts.plan.waves.flat()) {
    for (let e = facts.epoch.epoch; e >= 0; e--) {
      if (
        facts.finished.get(e)?.has(slug) === true &&
        (e === facts.epoch.epoch || facts.failed.get(e)?.has(slug) !== true)
      ) {
        wanted.push([slug, e]);
        break;
      }
    }
  }
  await boundedEach(wanted, 16, async ([slug, e]) => {
    const outcome = await records.readOutcome(e, slug);
    if (outcome !== undefined) found.set(slug, outcome);
  });
  return found;
}

function tenantRow(
  facts: FleetFacts,
  slug: string,
  wave: number,
  leased: ReadonlySet<string>,
  outcomes: ReadonlyMap<string, FleetOutcome>,
): TenantRollout {
  const outcome = outcomes.get(slug);
  const attempts = facts.epoch.epoch + 1;
  const times = outcome === undefined ? {} : { startedAt: outcome.startedAt, finishedAt: outcome.finishedAt };
  const detail = {
    ...times,
    ...(outcome?.error === undefined ? {} : { error: outcome.error }),
    ...(outcome?.exitCode === undefined ? {} : { exitCode: outcome.exitCode }),
    ...(outcome?.previousImage === undefined ? {} : { previousImage: outcome.previousImage }),
  };
  switch (tenantPhase(facts, slug)) {
    case "done":
      return { slug, wave, attempts, status: outcome?.status === "skipped" ? "skipped" : "upgraded", ...detail };
    case "failed":
      return { slug, wave, attempts, status: outcome?.status === "unhealthy" ? "unhealthy" : "failed", ...detail };
    case "open":
      return { slug, wave, attempts: facts.epoch.epoch, status: leased.has(slug) ? "running" : "pending" };
  }
}

export function summaryState(
  facts: FleetFacts,
  input: {
    leased: ReadonlySet<string>;
    outcomes: ReadonlyMap<string, FleetOutcome>;
    owner: { host: string; pid: number };
    at: Date;
  },
): RolloutState {
  const plan: FleetPlan = facts.plan;
  const tenants: Record<string, TenantRollout> = {};
  plan.waves.forEach((slugs, wave) => {
    for (const slug of slugs) tenants[slug] = tenantRow(facts, slug, wave, input.leased, input.outcomes);
  });
  const decision = decide(facts);
  const status = decision.kind === "halted" ? "halted" : decision.kind === "complete" ? "completed" : "running";
  const options = {
    ...plan.options,
    maxFailures: facts.epoch.maxFailures,
    health: facts.epoch.health,
    healthUrl: facts.epoch.healthUrl,
  };
  return {
    id: plan.id,
    env: plan.env,
    options,
    status,
    waves: plan.waves,
    tenants,
    pinned: plan.pinned,
    owner: input.owner,
    distributed: true,
    createdAt: plan.createdAt,
    updatedAt: input.at.toISOString(),
    ...(decision.kind === "halted" ? { haltReason: decision.reason } : {}),
  };
}
