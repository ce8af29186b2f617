/**
 * One runner of a distributed rollout (`upgrade tenants --join`): between claims it reads the rollout's records,
 * halts the epoch when failures pass the limit, stops on a halt or when nothing is left, and otherwise claims open
 * tenants of the current wave (free leases, or expired ones: a takeover) up to its concurrency. Each claimed tenant
 * is upgraded by `deps.upgrade` (the isolated worker pool in the CLI), its outcome recorded exactly once, its lease
 * released. A heartbeat renews the leases held and the runner's own record every ttl/4.
 * The stores, clock and upgrade are injected, so test/fleet/runner/*.test.ts runs this with fakes and in processes.
 */
import type { FleetFacts } from "./fleet-view";
import { decide } from "./fleet-view";
import {
  readFacts,
  type FleetEpoch,
  type FleetOutcome,
  type FleetPlan,
  type FleetRecords,
  type OutcomeStatus,
  type RunnerRecord,
} from "./fleet-records";
import { LeaseObserver, newLease, released, renewed, renewEvery, type LeaseRecord } from "./lease";

export interface TenantResult {
  readonly status: OutcomeStatus;
  readonly error?: string;
  readonly exitCode?: number;
  readonly previousImage?: string;
}

/** "clear": nothing (left) in the way; "busy": the stack is locked by a process that is still alive, try later. */
export type TakeoverResult = "clear" | "busy";

export interface RunnerDeps {
  readonly records: FleetRecords;
  readonly plan: FleetPlan;
  readonly runner: string;
  readonly host: string;
  readonly pid: number;
  readonly concurrency: number;
  readonly ttlMs: number;
  /** How long to wait between reads of the records when no lane has finished. */
  readonly pollMs: number;
  /** Upgrades one tenant under the epoch's limits (its health option). */
  readonly upgrade: (slug: string, lease: LeaseRecord, epoch: FleetEpoch) => Promise<TenantResult>;
  /** Before upgrading a tenant whose holder's lease expired: clears that holder's stack lock, if any. */
  readonly takeOver: (slug: string, expired: LeaseRecord) => Promise<TakeoverResult>;
  readonly log: (line: string) => void;
  readonly now: () => Date;
  readonly stopRequested: () => boolean;
  readonly observer?: LeaseObserver;
  /** Spacing of this runner's first starts (as --stagger on one machine), so its lanes do not move in step. */
  readonly staggerMs?: number;
  /** After every read of the records, with the tenants this runner holds (e.g. to refresh the rollout's summary). */
  readonly onProgress?: (facts: FleetFacts, holding: ReadonlySet<string>) => void;
}

export interface RunnerSummary {
  /** Why this runner stopped: the rollout completed or halted, or this runner was interrupted. */
  readonly stopped: "completed" | "halted" | "interrupted";
  readonly reason: string | undefined;
  readonly finished: number;
  readonly tookOver: number;
  readonly facts: FleetFacts;
}

interface Held {
  lease: LeaseRecord;
  done: boolean;
  chain: Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function runRunner(deps: RunnerDeps): Promise<RunnerSummary> {
  const { records } = deps;
  const observer = deps.observer ?? new LeaseObserver();
  const held = new Map<string, Held>();
  const lanes = new Map<string, Promise<void>>();
  const startedAt = deps.now().toISOString();
  let finished = 0;
  let tookOver = 0;
  let state: RunnerRecord["state"] = "running";
  let stopReason: string | undefined;

  const runnerRecord = (): RunnerRecord => ({
    runner: deps.runner,
    host: deps.host,
    pid: deps.pid,
    concurrency: deps.concurrency,
    startedAt,
    heartbeatAt: deps.now().toISOString(),
    state,
    ...(stopReason === undefined ? {} : { stopReason }),
    holding: [...held.keys()].sort(),
    finished,
    tookOver,
  });
  // Per lease, writes are chained: a renewal queued before the release can never land after it.
  const write = (h: Held, next: () => LeaseRecord | undefined): Promise<void> => {
    h.chain = h.chain
      .then(async () => {
        const lease = next();
        if (lease === undefined) return;
        h.lease = lease;
        await records.writeLease(lease);
      })
      .catch((error: unknown) => deps.log(`  warning: lease of ${h.lease.slug} not written: ${describe(error)}`));
    return h.chain;
  };
  const heartbeat = async (): Promise<void> => {
    const at = deps.now();
    await Promise.all([...held.values()].map((h) => write(h, () => (h.done ? undefined : renewed(h.lease, at)))));
    await records
      .writeRunner(runnerRecord())
      .catch((error: unknown) => deps.log(`  warning: runner record not written: ${describe(error)}`));
  };
  await records.writeRunner(runnerRecord());
  const timer = setInterval(() => void heartbeat(), renewEvery(deps.ttlMs));

  const release = (slug: string, reason: string): Promise<void> => {
    const h = held.get(slug);
    if (h === undefined) return Promise.resolve();
    h.done = true;
    held.delete(slug);
    return write(h, () => released(h.lease, reason, deps.now()));
  };

  const work = async (slug: string, lease: LeaseRecord, epoch: FleetEpoch): Promise<void> => {
    const started = deps.now().toISOString();
    let result: TenantResult;
    try {
      result = await deps.upgrade(slug, lease, epoch);
    } catch (error: unknown) {
      result = { status: "failed", error: describe(error) };
    }
    const outcome: FleetOutcome = {
      slug,
      epoch: lease.epoch,
      runner: deps.runner,
      generation: lease.generation,
      startedAt: started,
      finishedAt: deps.now().toISOString(),
      ...result,
    };
    try {
      const created = await records.recordOutcome(outcome);
      if (!created)
        deps.log(
          `  ${slug}: an outcome was already recorded for epoch ${lease.epoch}; this one (${result.status}) is dropped`,
        );
      finished += 1;
      deps.log(`  ${slug}: ${result.status}${result.error === undefined ? "" : `: ${result.error}`}`);
    } catch (error: unknown) {
      deps.log(
        `  ${slug}: outcome not recorded (${describe(error)}); its lease is released and another claim retries it`,
      );
    }
    await release(slug, `finished: ${result.status}`);
  };

  /** Claims the tenant if its newest lease is free or expired; true when this runner now works on it. */
  const tryClaim = async (slug: string, epoch: number): Promise<boolean> => {
    const latest = await records.latestLease(slug);
    const verdict = observer.verdict(latest);
    if (verdict.kind === "held") return false;
    const lease = newLease({
      slug,
      generation: (latest?.generation ?? -1) + 1,
      epoch,
      runner: deps.runner,
      host: deps.host,
      pid: deps.pid,
      ttlMs: deps.ttlMs,
      at: deps.now(),
      ...(verdict.kind === "expired" && latest !== undefined ? { tookOver: latest.generation } : {}),
    });
    if (!(await records.createLease(lease))) return false;
    held.set(slug, { lease, done: false, chain: Promise.resolve() });
    // Whoever held it last may have recorded its outcome just before releasing it.
    if ((await records.readOutcome(epoch, slug)) !== undefined) {
      await release(slug, "already finished");
      return false;
    }
    if (verdict.kind === "expired" && latest !== undefined) {
      const takeover = await deps.takeOver(slug, latest);
      if (takeover === "busy") {
        await release(slug, "the stack is still locked by a live process");
        return false;
      }
      tookOver += 1;
      deps.log(
        `  ${slug}: taken over from ${latest.runner} (lease ${latest.generation} silent for ${(verdict.silentMs / 1000).toFixed(1)}s)`,
      );
    }
    observer.forget(slug);
    return true;
  };

  let facts: FleetFacts | undefined;
  let stopped: RunnerSummary["stopped"] = "completed";
  let lastWave = -1;
  let starts = 0;
  try {
    for (;;) {
      facts = await readFacts(records, deps.plan);
      if (facts === undefined) throw new Error(`rollout ${deps.plan.id} has no epoch record`);
      deps.onProgress?.(facts, new Set(held.keys()));
      const decision = decide(facts);
      if (decision.kind === "halt") {
        const created = await records.createHalt({
          epoch: facts.epoch.epoch,
          reason: decision.reason,
          at: deps.now().toISOString(),
          runner: deps.runner,
        });
        if (created) deps.log(decision.reason);
        continue;
      }
      if (decision.kind === "halted") {
        stopped = "halted";
        stopReason = decision.reason;
        break;
      }
      if (decision.kind === "complete") break;
      if (deps.stopRequested()) {
        stopped = "interrupted";
        stopReason = "interrupted by the operator";
        break;
      }
      if (decision.wave !== lastWave) {
        lastWave = decision.wave;
        deps.log(`wave ${decision.wave + 1}/${facts.plan.waves.length}: ${decision.open.length} tenant(s) open`);
      }
      // Start at a runner-specific offset so runners do not all race for the same first tenants.
      const candidates = decision.open.filter((slug) => !lanes.has(slug));
      const offset = candidates.length === 0 ? 0 : hash(deps.runner) % candidates.length;
      const ordered = [...candidates.slice(offset), ...candidates.slice(0, offset)];
      for (const slug of ordered) {
        if (lanes.size >= deps.concurrency || deps.stopRequested()) break;
        if (starts > 0 && starts < deps.concurrency && (deps.staggerMs ?? 0) > 0) await sleep(deps.staggerMs ?? 0);
        if (!(await tryClaim(slug, facts.epoch.epoch))) continue;
        const lane = held.get(slug)?.lease;
        if (lane === undefined) continue;
        starts += 1;
        const promise = work(slug, lane, facts.epoch).finally(() => lanes.delete(slug));
        lanes.set(slug, promise);
      }
      await Promise.race([sleep(deps.pollMs), ...lanes.values()]);
    }
  } finally {
    await Promise.all(lanes.values());
    clearInterval(timer);
    state = "stopped";
    stopReason ??= stopped;
    await records.writeRunner(runnerRecord()).catch(() => undefined);
  }
  const final = (await readFacts(records, deps.plan)) ?? facts;
  return { stopped, reason: stopped === "completed" ? undefined : stopReason, finished, tookOver, facts: final };
}

function hash(text: string): number {
  let h = 0;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
}
