/**
 * Rollout records in the backend's `.tenantctl` folder: `rollouts/<env>/<id>.json`, ids sortable by start time.
 * `--resume` takes the newest rollout of the env that did not complete; a rollout whose owning process is still
 * alive on this host is running, and a second one is refused (exit 4).
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { ConflictError, NotFoundError, UsageError } from "../errors";
import type { RecordStore } from "./records";
import { timeKey } from "./teardown-records";
import { failureCount, type RolloutState } from "../fleet/rollout-state";

const folder = (env: string): string => `rollouts/${env}`;
export const rolloutKey = (env: string, id: string): string => `${folder(env)}/${id}.json`;

export function newRolloutId(at: Date): string {
  return `${timeKey(at)}-${randomBytes(3).toString("hex")}`;
}

export function currentOwner(): { host: string; pid: number } {
  return { host: hostname(), pid: process.pid };
}

export async function saveRollout(store: RecordStore, state: RolloutState): Promise<void> {
  await store.writeJson(rolloutKey(state.env, state.id), state);
}

export async function listRolloutIds(store: RecordStore, env: string): Promise<string[]> {
  return (await store.list(folder(env)))
    .filter((n) => n.endsWith(".json"))
    .map((n) => n.slice(0, -".json".length))
    .sort();
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: unknown) {
    return (error as { code?: string }).code === "EPERM";
  }
}

/** A rollout running on another host that has not written its record for this long is taken for dead. */
export const REMOTE_STALE_MS = 60 * 60 * 1000;

/**
 * Running and owned by a live process: on this host, its pid is alive; on another host we cannot tell, so it counts as
 * alive until its record has been silent for REMOTE_STALE_MS (every tenant start and finish rewrites it).
 */
export function isLive(state: RolloutState, now: Date = new Date()): boolean {
  if (state.status !== "running") return false;
  // A distributed rollout's runners rewrite its summary as they go: live until it has been silent as long.
  if (state.distributed === true) return now.getTime() - Date.parse(state.updatedAt) < REMOTE_STALE_MS;
  if (state.owner.host !== hostname()) return now.getTime() - Date.parse(state.updatedAt) < REMOTE_STALE_MS;
  return state.owner.pid !== process.pid && alive(state.owner.pid);
}

/** Completed with every tenant upgraded or skipped: nothing left to resume. */
export function isFinished(state: RolloutState): boolean {
  return state.status === "completed" && failureCount(state) === 0;
}

/** The newest rollout of the env unless it is finished (a completed one with failures can be resumed to retry them). */
export async function latestOpenRollout(store: RecordStore, env: string): Promise<RolloutState | undefined> {
  const ids = await listRolloutIds(store, env);
  for (const id of ids.reverse()) {
    const state = await store.readJson<RolloutState>(rolloutKey(env, id));
    if (state !== undefined) return isFinished(state) ? undefined : state;
  }
  return undefined;
}

function liveConflict(state: RolloutState): ConflictError {
  return new ConflictError(
    `rollout ${state.id} of ${state.options.image} is still running in env ${state.env} (pid ${state.owner.pid} on ${state.owner.host})`,
    {
      hint: `wait for it to finish; if that process is gone, resume it with: tenantctl upgrade tenants --env ${state.env} --resume ${state.id}`,
      details: { rollout: state.id },
    },
  );
}

/** Exit 4 while the env's newest unfinished rollout is running. */
export async function refuseIfLive(store: RecordStore, env: string): Promise<void> {
  const open = await latestOpenRollout(store, env);
  if (open !== undefined && isLive(open)) throw liveConflict(open);
}

export async function rolloutToResume(store: RecordStore, env: string, id: string | undefined): Promise<RolloutState> {
  const state =
    id === undefined ? await latestOpenRollout(store, env) : await store.readJson<RolloutState>(rolloutKey(env, id));
  if (state === undefined) {
    throw new NotFoundError(
      id === undefined ? `no unfinished rollout to resume in env ${env}` : `no rollout ${id} in env ${env}`,
      {
        hint: "start one with: tenantctl upgrade tenants --env " + env + " --image <ref>",
      },
    );
  }
  if (isFinished(state))
    throw new ConflictError(
      `rollout ${state.id} already completed with every tenant upgraded; start a new one with --image`,
    );
  if (state.distributed === true) {
    throw new UsageError(
      `rollout ${state.id} was created with --detach and runs on runners (allowed: --resume ${state.id} --detach to retry its failures, then --join ${state.id} on each runner)`,
    );
  }
  if (isLive(state)) throw liveConflict(state);
  return state;
}
