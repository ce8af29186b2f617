/**
 * The records of a distributed rollout, under `.tenantctl/fleet/<env>/<id>/` of the backend. Every record is either
 * created once with the store's atomic create and never changed (plan, epochs, outcomes, failures, halts) or written
 * by exactly one process (a runner's own heartbeat, a lease generation by its holder), so no write ever needs a
 * compare-and-swap and no two processes ever overwrite each other:
 *
 *   plan.json                       waves, pinned tenants and options, fixed by `--detach`
 *   epochs/<n>.json                 0 at creation, n+1 per `--resume` (its limits; failures of earlier epochs are retried)
 *   leases/<slug>/<gen>.json        lease generations (lease.ts)
 *   outcomes/<epoch>/<slug>.json    one per tenant and epoch: upgraded, skipped, failed or unhealthy
 *   failures/<epoch>/<slug>.json    the failed/unhealthy ones again, so counting failures needs a listing, not a read per tenant
 *   halts/<epoch>.json              the first runner that sees too many failures halts the epoch for everyone
 *   runners/<runner>.json           each runner's heartbeat and counters, written by that runner only
 */
import type { RecordStore } from "../../store/records";
import type { FailureLimit } from "../plan";
import type { RolloutOptions } from "../rollout-state";
import { generationName, parseGenerationName, type LeaseRecord } from "./lease";

export const fleetFolder = (env: string, id: string): string => `fleet/${env}/${id}`;

export interface FleetPlan {
  readonly id: string;
  readonly env: string;
  readonly options: RolloutOptions;
  readonly waves: readonly (readonly string[])[];
  readonly pinned: readonly string[];
  readonly createdAt: string;
  readonly createdBy: { readonly host: string; readonly pid: number };
}

export interface FleetEpoch {
  readonly epoch: number;
  readonly at: string;
  readonly maxFailures: FailureLimit;
  readonly health: "probe" | "none";
  readonly healthUrl: string | undefined;
}

export type OutcomeStatus = "upgraded" | "skipped" | "failed" | "unhealthy";

export interface FleetOutcome {
  readonly slug: string;
  readonly epoch: number;
  readonly status: OutcomeStatus;
  readonly error?: string;
  readonly exitCode?: number;
  readonly previousImage?: string;
  readonly runner: string;
  readonly generation: number;
  readonly startedAt: string;
  readonly finishedAt: string;
}

export interface FleetHalt {
  readonly epoch: number;
  readonly reason: string;
  readonly at: string;
  readonly runner: string;
}

export interface RunnerRecord {
  readonly runner: string;
  readonly host: string;
  readonly pid: number;
  readonly concurrency: number;
  readonly startedAt: string;
  readonly heartbeatAt: string;
  readonly state: "running" | "stopped";
  readonly stopReason?: string;
  readonly holding: readonly string[];
  readonly finished: number;
  readonly tookOver: number;
}

const pad = (n: number): string => String(n).padStart(6, "0");
const stripJson = (names: readonly string[]): string[] =>
  names.filter((n) => n.endsWith(".json")).map((n) => n.slice(0, -".json".length));

/** Typed access to one rollout's fleet records. */
export class FleetRecords {
  readonly base: string;

  constructor(
    readonly store: RecordStore,
    readonly env: string,
    readonly id: string,
  ) {
    this.base = fleetFolder(env, id);
  }

  createPlan(plan: FleetPlan): Promise<boolean> {
    return this.store.createExclusive(`${this.base}/plan.json`, plan);
  }

  readPlan(): Promise<FleetPlan | undefined> {
    return this.store.readJson<FleetPlan>(`${this.base}/plan.json`);
  }

  createEpoch(epoch: FleetEpoch): Promise<boolean> {
    return this.store.createExclusive(`${this.base}/epochs/${pad(epoch.epoch)}.json`, epoch);
  }

  async latestEpoch(): Promise<FleetEpoch | undefined> {
    const names = stripJson(await this.store.list(`${this.base}/epochs`));
    const last = names[names.length - 1];
    return last === undefined ? undefined : this.store.readJson<FleetEpoch>(`${this.base}/epochs/${last}.json`);
  }

  /** Slugs with an outcome in the epoch (a listing, no reads). */
  async outcomeSlugs(epoch: number): Promise<string[]> {
    return stripJson(await this.store.list(`${this.base}/outcomes/${pad(epoch)}`));
  }

  async failureSlugs(epoch: number): Promise<string[]> {
    return stripJson(await this.store.list(`${this.base}/failures/${pad(epoch)}`));
  }

  readOutcome(epoch: number, slug: string): Promise<FleetOutcome | undefined> {
    return this.store.readJson<FleetOutcome>(`${this.base}/outcomes/${pad(epoch)}/${slug}.json`);
  }

  /**
   * Exactly once per tenant and epoch: false when an outcome is already recorded. A failure's marker is written
   * before its outcome, so no reader ever sees a failed tenant as finished-and-not-failed (which would open the next
   * wave); a marker left by a write that lost the race is removed again.
   */
  async recordOutcome(outcome: FleetOutcome): Promise<boolean> {
    const failing = outcome.status === "failed" || outcome.status === "unhealthy";
    const marker = `${this.base}/failures/${pad(outcome.epoch)}/${outcome.slug}.json`;
    const marked =
      failing && (await this.store.createExclusive(marker, { slug: outcome.slug, status: outcome.status }));
    const created = await this.store.createExclusive(
      `${this.base}/outcomes/${pad(outcome.epoch)}/${outcome.slug}.json`,
      outcome,
    );
    if (!created && marked) await this.store.remove(marker);
    return created;
  }

  createHalt(halt: FleetHalt): Promise<boolean> {
    return this.store.createExclusive(`${this.base}/halts/${pad(halt.epoch)}.json`, halt);
  }

  readHalt(epoch: number): Promise<FleetHalt | undefined> {
    return this.store.readJson<FleetHalt>(`${this.base}/halts/${pad(epoch)}.json`);
  }

  /** The newest lease generation of a tenant, or undefined when it was never claimed. */
  async latestLease(slug: string): Promise<LeaseRecord | undefined> {
    const generations = (await this.store.list(`${this.base}/leases/${slug}`))
      .map(parseGenerationName)
      .filter((g): g is number => g !== undefined);
    const newest = Math.max(-1, ...generations);
    return newest < 0
      ? undefined
      : this.store.readJson<LeaseRecord>(`${this.base}/leases/${slug}/${generationName(newest)}`);
  }

  /** Atomic create of a generation: true for the one runner that won it. */
  createLease(lease: LeaseRecord): Promise<boolean> {
    return this.store.createExclusive(`${this.base}/leases/${lease.slug}/${generationName(lease.generation)}`, lease);
  }

  /** Renewal and release: only the holder writes its own generation. */
  writeLease(lease: LeaseRecord): Promise<void> {
    return this.store.writeJson(`${this.base}/leases/${lease.slug}/${generationName(lease.generation)}`, lease);
  }

  async leasedSlugs(): Promise<string[]> {
    return this.store.list(`${this.base}/leases`);
  }

  writeRunner(record: RunnerRecord): Promise<void> {
    return this.store.writeJson(`${this.base}/runners/${record.runner}.json`, record);
  }

  async runners(): Promise<RunnerRecord[]> {
    const ids = stripJson(await this.store.list(`${this.base}/runners`));
    const records = await Promise.all(
      ids.map((id) => this.store.readJson<RunnerRecord>(`${this.base}/runners/${id}.json`)),
    );
    return records.filter((r): r is RunnerRecord => r !== undefined);
  }
}

/** Everything a runner decides from, read with one listing per epoch plus the plan, epoch and halt records. */
export async function readFacts(
  records: FleetRecords,
  plan?: FleetPlan,
): Promise<import("./fleet-view").FleetFacts | undefined> {
  const [thePlan, epoch] = await Promise.all([plan ?? records.readPlan(), records.latestEpoch()]);
  if (thePlan === undefined || epoch === undefined) return undefined;
  const epochs = Array.from({ length: epoch.epoch + 1 }, (_, e) => e);
  const [finished, failed, halt] = await Promise.all([
    Promise.all(epochs.map(async (e) => [e, new Set(await records.outcomeSlugs(e))] as const)),
    Promise.all(epochs.map(async (e) => [e, new Set(await records.failureSlugs(e))] as const)),
    records.readHalt(epoch.epoch),
  ]);
  return { plan: thePlan, epoch, finished: new Map(finished), failed: new Map(failed), halt };
}
