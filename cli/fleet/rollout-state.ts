/**
 * A rollout's recorded state and its transitions, as pure functions returning a new state. The orchestration
 * (rollout.ts) saves the state after every transition, so `upgrade tenants --resume` continues where it stopped:
 * tenants already upgraded stay done, failed and interrupted ones are tried again.
 */
import { limitExceeded, type FailureLimit } from "./plan";

/** `skipped`: found pinned when its turn came (the index said otherwise); left alone like the pinned ones. */
export type TenantRolloutStatus = "pending" | "running" | "upgraded" | "skipped" | "failed" | "unhealthy";
export type RolloutStatus = "running" | "halted" | "interrupted" | "completed";

export interface TenantRollout {
  readonly slug: string;
  /** 0-based wave index. */
  readonly wave: number;
  readonly status: TenantRolloutStatus;
  readonly attempts: number;
  readonly error?: string;
  /** The failed operation's exit code (4: the stack was locked by another operation). */
  readonly exitCode?: number;
  readonly previousImage?: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
}

export interface RolloutOptions {
  readonly image: string;
  readonly waves: string;
  readonly maxFailures: FailureLimit;
  readonly selectors: readonly string[];
  readonly includePinned: boolean;
  readonly health: "probe" | "none";
  readonly healthUrl: string | undefined;
}

export interface RolloutState {
  readonly id: string;
  readonly env: string;
  readonly options: RolloutOptions;
  readonly status: RolloutStatus;
  /** Slugs per wave, fixed when the rollout is planned. */
  readonly waves: readonly (readonly string[])[];
  readonly tenants: Readonly<Record<string, TenantRollout>>;
  /** Selected tenants left alone because they are pinned to an image. */
  readonly pinned: readonly string[];
  readonly haltReason?: string;
  readonly owner: { readonly host: string; readonly pid: number };
  /** Created with --detach: runners on any machine (--join) share it; its facts are under fleet/ (runner/fleet-records.ts). */
  readonly distributed?: true;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function createRollout(input: {
  id: string;
  env: string;
  options: RolloutOptions;
  waves: readonly (readonly string[])[];
  pinned: readonly string[];
  owner: { host: string; pid: number };
  at: Date;
}): RolloutState {
  const tenants: Record<string, TenantRollout> = {};
  input.waves.forEach((slugs, wave) => {
    for (const slug of slugs) tenants[slug] = { slug, wave, status: "pending", attempts: 0 };
  });
  const at = input.at.toISOString();
  return {
    id: input.id,
    env: input.env,
    options: input.options,
    status: "running",
    waves: input.waves,
    tenants,
    pinned: input.pinned,
    owner: input.owner,
    createdAt: at,
    updatedAt: at,
  };
}

function update(
  state: RolloutState,
  slug: string,
  change: (t: TenantRollout) => TenantRollout,
  at: Date,
): RolloutState {
  const current = state.tenants[slug];
  if (current === undefined) throw new Error(`rollout ${state.id} has no tenant ${slug}`);
  return { ...state, tenants: { ...state.tenants, [slug]: change(current) }, updatedAt: at.toISOString() };
}

export function markRunning(state: RolloutState, slug: string, at: Date): RolloutState {
  return update(
    state,
    slug,
    (t) => {
      if (t.status !== "pending") throw new Error(`tenant ${slug} cannot start from ${t.status}`);
      const { error: _error, finishedAt: _finished, ...rest } = t;
      return { ...rest, status: "running", attempts: t.attempts + 1, startedAt: at.toISOString() };
    },
    at,
  );
}

export interface TenantOutcome {
  readonly ok: boolean;
  readonly error?: string;
  readonly exitCode?: number;
  readonly previousImage?: string;
  /** Why a tenant was left alone although it was planned (ok must be true). */
  readonly skipped?: string;
}

export function markFinished(state: RolloutState, slug: string, outcome: TenantOutcome, at: Date): RolloutState {
  return update(
    state,
    slug,
    (t) => {
      if (t.status !== "running") throw new Error(`tenant ${slug} cannot finish from ${t.status}`);
      const base = {
        ...t,
        finishedAt: at.toISOString(),
        ...(outcome.previousImage === undefined ? {} : { previousImage: outcome.previousImage }),
      };
      if (!outcome.ok)
        return {
          ...base,
          status: "failed",
          error: outcome.error ?? "failed",
          ...(outcome.exitCode === undefined ? {} : { exitCode: outcome.exitCode }),
        };
      return outcome.skipped === undefined
        ? { ...base, status: "upgraded" }
        : { ...base, status: "skipped", error: outcome.skipped };
    },
    at,
  );
}

/** An upgraded tenant whose health check failed after its wave. */
export function markUnhealthy(state: RolloutState, slug: string, error: string, at: Date): RolloutState {
  return update(
    state,
    slug,
    (t) => {
      if (t.status !== "upgraded") throw new Error(`tenant ${slug} cannot turn unhealthy from ${t.status}`);
      return { ...t, status: "unhealthy", error };
    },
    at,
  );
}

export function failureCount(state: RolloutState): number {
  return Object.values(state.tenants).filter((t) => t.status === "failed" || t.status === "unhealthy").length;
}

export function plannedCount(state: RolloutState): number {
  return Object.keys(state.tenants).length;
}

export function overLimit(state: RolloutState): boolean {
  return limitExceeded(failureCount(state), state.options.maxFailures, plannedCount(state));
}

export function pendingInWave(state: RolloutState, wave: number): string[] {
  return (state.waves[wave] ?? []).filter((slug) => state.tenants[slug]?.status === "pending");
}

/** The first wave that still has a tenant to upgrade; waves.length when none has. */
export function firstOpenWave(state: RolloutState): number {
  const open = state.waves.findIndex((_, wave) => pendingInWave(state, wave).length > 0);
  return open === -1 ? state.waves.length : open;
}

export function halt(state: RolloutState, reason: string, at: Date): RolloutState {
  return { ...state, status: "halted", haltReason: reason, updatedAt: at.toISOString() };
}

/** Ctrl-C: tenants in flight were allowed to finish; the rest stay pending for --resume. */
export function interrupt(state: RolloutState, at: Date): RolloutState {
  return { ...state, status: "interrupted", haltReason: "interrupted by the operator", updatedAt: at.toISOString() };
}

export function complete(state: RolloutState, at: Date): RolloutState {
  if (firstOpenWave(state) < state.waves.length) throw new Error(`rollout ${state.id} still has pending tenants`);
  return { ...state, status: "completed", updatedAt: at.toISOString() };
}

/**
 * `--resume`: failed, unhealthy and interrupted (`running`: its process died) tenants go back to pending and stop
 * counting as failures; upgraded ones stay done.
 */
export function resume(state: RolloutState, owner: { host: string; pid: number }, at: Date): RolloutState {
  const tenants: Record<string, TenantRollout> = {};
  for (const [slug, t] of Object.entries(state.tenants)) {
    tenants[slug] =
      t.status === "upgraded" || t.status === "skipped" || t.status === "pending" ? t : { ...t, status: "pending" };
  }
  const { haltReason: _reason, ...rest } = state;
  return { ...rest, tenants, status: "running", owner, updatedAt: at.toISOString() };
}

export function countByStatus(state: RolloutState): Record<TenantRolloutStatus | "pinned", number> {
  const counts = {
    pending: 0,
    running: 0,
    upgraded: 0,
    skipped: 0,
    failed: 0,
    unhealthy: 0,
    pinned: state.pinned.length,
  };
  for (const t of Object.values(state.tenants)) counts[t.status] += 1;
  return counts;
}
