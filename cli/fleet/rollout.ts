/**
 * Executes a planned rollout wave by wave: each wave's tenants in worker processes (at most `concurrency` at once),
 * then a health check of every tenant upgraded so far, then the failure limit. The state is saved after every
 * transition, so a halt, a Ctrl-C or a crash leaves a record that `--resume` continues from.
 */
import { boundedEach, LatestWriter } from "./concurrency";
import {
  complete,
  failureCount,
  firstOpenWave,
  halt,
  interrupt,
  markFinished,
  markRunning,
  markUnhealthy,
  overLimit,
  pendingInWave,
  plannedCount,
  type RolloutState,
} from "./rollout-state";
import { allowedFailures } from "./plan";
import type { UpgradeValue, WorkerResult } from "./worker-protocol";

export interface RolloutDeps {
  /** Runs one tenant's upgrade in a worker. */
  readonly upgrade: (slug: string) => Promise<WorkerResult>;
  /** undefined when healthy, else why not. */
  readonly health: (slug: string, url: string | undefined) => Promise<string | undefined>;
  readonly save: (state: RolloutState) => Promise<void>;
  readonly log: (line: string) => void;
  readonly now: () => Date;
  readonly concurrency: number;
  /** Spacing of the lanes' first starts in each wave (boundedEach's staggerMs). */
  readonly staggerMs: number;
  /** True once the operator asked to stop (Ctrl-C): nothing new starts. */
  readonly stopRequested: () => boolean;
}

function seconds(from: string | undefined, to: Date): string {
  return from === undefined ? "" : ` in ${((to.getTime() - Date.parse(from)) / 1000).toFixed(1)}s`;
}

export async function executeRollout(initial: RolloutState, deps: RolloutDeps): Promise<RolloutState> {
  let state = initial;
  const writer = new LatestWriter(deps.save);
  const commit = (next: RolloutState): void => {
    state = next;
    writer.request(state);
  };
  const urls = new Map<string, string | undefined>();
  const total = state.waves.length;
  for (let wave = firstOpenWave(state); wave < total; wave = firstOpenWave(state)) {
    const slugs = pendingInWave(state, wave);
    deps.log(
      `wave ${wave + 1}/${total}: ${slugs.length} tenant(s) (${slugs.slice(0, 8).join(", ")}${slugs.length > 8 ? ", …" : ""})`,
    );
    await boundedEach(
      slugs,
      deps.concurrency,
      async (slug) => {
        commit(markRunning(state, slug, deps.now()));
        const result = await deps.upgrade(slug);
        const at = deps.now();
        const took = seconds(state.tenants[slug]?.startedAt, at);
        if (result.ok && result.value.kind === "upgrade") {
          const value: UpgradeValue = result.value;
          urls.set(slug, value.url ?? undefined);
          const skipped = value.pinned ? `pinned to ${value.previousImage}` : undefined;
          commit(
            markFinished(
              state,
              slug,
              { ok: true, previousImage: value.previousImage, ...(skipped === undefined ? {} : { skipped }) },
              at,
            ),
          );
          deps.log(`  ${slug}: ${skipped === undefined ? "upgraded" : `skipped (${skipped})`}${took}`);
        } else {
          const error = result.ok ? `unexpected ${result.value.kind} result` : result.error;
          commit(
            markFinished(state, slug, { ok: false, error, ...(result.ok ? {} : { exitCode: result.exitCode }) }, at),
          );
          deps.log(`  ${slug}: FAILED${took}: ${error}`);
        }
      },
      () => !overLimit(state) && !deps.stopRequested(),
      { staggerMs: deps.staggerMs },
    );
    if (deps.stopRequested()) {
      commit(interrupt(state, deps.now()));
      break;
    }
    if (state.options.health === "probe" && !overLimit(state)) await checkWaveHealth(() => state, commit, deps, urls);
    if (overLimit(state)) {
      const allowed = allowedFailures(state.options.maxFailures, plannedCount(state));
      commit(
        halt(
          state,
          `halted after wave ${wave + 1}/${total}: ${failureCount(state)} failure(s), ${allowed} allowed (--max-failures ${state.options.maxFailures.kind === "count" ? state.options.maxFailures.value : `${state.options.maxFailures.value}%`})`,
          deps.now(),
        ),
      );
      break;
    }
  }
  if (state.status === "running") {
    if (firstOpenWave(state) < total) throw new Error(`rollout ${state.id} stopped with pending tenants but no reason`);
    commit(complete(state, deps.now()));
  }
  await writer.flush();
  return state;
}

async function checkWaveHealth(
  current: () => RolloutState,
  commit: (next: RolloutState) => void,
  deps: RolloutDeps,
  urls: ReadonlyMap<string, string | undefined>,
): Promise<void> {
  const upgraded = Object.values(current().tenants)
    .filter((t) => t.status === "upgraded")
    .map((t) => t.slug);
  if (upgraded.length === 0) return;
  deps.log(`  health check of ${upgraded.length} upgraded tenant(s)`);
  await boundedEach(upgraded, deps.concurrency, async (slug) => {
    const problem = await deps.health(slug, urls.get(slug));
    if (problem === undefined) return;
    commit(markUnhealthy(current(), slug, problem, deps.now()));
    deps.log(`  ${slug}: UNHEALTHY: ${problem}`);
  });
}
