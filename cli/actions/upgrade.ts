/**
 * `tenantctl upgrade tenants`: validate → plan from the tenant index (or load the rollout to resume) → dry run stops
 * here → prerequisites (exit 5 before any worker starts) → execute wave by wave in worker processes → report.
 * Exit 0 only when every planned tenant is upgraded (or skipped as pinned); 1 when the rollout halted, was
 * interrupted or a tenant failed; 3 for an unknown --select slug; 4 while another rollout of the env runs.
 */
import { ConflictError, ExitCode, OperationFailedError } from "../errors";
import type { Io, Reporter } from "../io";
import { listIndex } from "../store/tenant-index";
import { TENANTS_PROJECT } from "../orchestration/projects";
import { openEngineSession, openRecordsSession } from "../orchestration/session";
import { readSharedOutputs } from "../orchestration/shared-stack";
import { checkHealth } from "../fleet/health";
import { describePoolEvent, WorkerPool } from "../fleet/worker-pool";
import { executeRollout } from "../fleet/rollout";
import { renderRollout, resumeCommand, rolloutDocument } from "../fleet/rollout-report";
import { countByStatus, resume, type RolloutState } from "../fleet/rollout-state";
import { currentOwner, refuseIfLive, rolloutToResume, saveRollout } from "../store/rollout-store";
import { fleetAction } from "../fleet/runner/fleet-action";
import { parseFleetMode, type FleetFlags } from "../fleet/runner/fleet-input";
import { planRollout } from "../fleet/plan-rollout";
import { parseUpgradeFlags, type UpgradeInput } from "../fleet/upgrade-input";

function withOverrides(state: RolloutState, input: UpgradeInput): RolloutState {
  const options = {
    ...state.options,
    ...(input.maxFailures === undefined ? {} : { maxFailures: input.maxFailures }),
    ...(input.health === undefined ? {} : { health: input.health }),
    ...(input.healthUrl === undefined ? {} : { healthUrl: input.healthUrl }),
  };
  return { ...state, options };
}

export async function upgradeAction(io: Io, reporter: Reporter, flags: FleetFlags): Promise<void> {
  const mode = parseFleetMode(flags);
  if (mode !== undefined) {
    await fleetAction(io, reporter, flags, mode);
    return;
  }
  const input = await parseUpgradeFlags(flags, io.env);
  const records = openRecordsSession(io);
  const entries = (await listIndex(records.store, TENANTS_PROJECT)).filter((e) => e.env === input.env);
  const planned =
    input.resume === undefined
      ? await planRollout(io, input, entries)
      : withOverrides(await rolloutToResume(records.store, input.env, input.resume.id), input);
  if (input.dryRun) {
    reporter.result(rolloutDocument(planned, true), (out) => renderRollout(planned, true, out));
    return;
  }
  const session = await openEngineSession(io, { secretsProvider: input.secretsProvider, installPulumi: false });
  const shared = await readSharedOutputs(session, input.env);
  if (input.resume === undefined) await refuseIfLive(records.store, input.env);
  const state = input.resume === undefined ? planned : resume(planned, currentOwner(), io.now());
  await saveRollout(records.store, state);
  reporter.info(
    `rollout ${state.id}: ${state.options.image} to ${Object.keys(state.tenants).length} tenant(s) in ${state.waves.length} wave(s), ${input.concurrency} at a time (${state.pinned.length} pinned)`,
  );
  const urls = new Map(entries.map((e) => [e.slug, e.url]));
  let stop = false;
  const unsubscribe = io.onInterrupt(() => {
    stop = true;
    reporter.info(`stopping: tenants in flight finish, no new ones start; resume with: ${resumeCommand(state)}`);
  });
  const pool = new WorkerPool({
    io,
    size: input.concurrency,
    operationTimeoutMs: input.timeoutMs,
    onEvent: input.verbose ? (e) => reporter.info(describePoolEvent(e)) : undefined,
  });
  let final: RolloutState;
  try {
    final = await executeRollout(state, {
      upgrade: (slug) =>
        pool.run(
          {
            kind: "upgrade",
            env: input.env,
            slug,
            image: state.options.image,
            includePinned: state.options.includePinned,
            shared,
            secretsProvider: input.secretsProvider,
            retry: resumeCommand(state),
          },
          input.verbose ? { onLine: (line: string) => reporter.info(`[${slug}] ${line}`) } : {},
        ),
      health: (slug, url) => checkHealth({ slug, env: input.env, url: url ?? urls.get(slug) }, state.options.healthUrl),
      save: (s) => saveRollout(records.store, s),
      log: (line) => reporter.info(line),
      now: () => io.now(),
      concurrency: input.concurrency,
      staggerMs: input.staggerMs,
      stopRequested: () => stop,
    });
  } finally {
    unsubscribe();
    await pool.close();
  }
  reporter.result(rolloutDocument(final), (out) => renderRollout(final, false, out));
  const counts = countByStatus(final);
  if (final.status !== "completed" || counts.failed + counts.unhealthy > 0) {
    const failed = Object.values(final.tenants).filter((t) => t.status === "failed");
    // Only locked stacks stopped it: a conflict (exit 4), as for one tenant; their index entries were left alone.
    const Failure =
      failed.length > 0 && counts.unhealthy === 0 && failed.every((t) => t.exitCode === ExitCode.Conflict)
        ? ConflictError
        : OperationFailedError;
    throw new Failure(
      `rollout ${final.id} ${final.status}: ${counts.failed} failed, ${counts.unhealthy} unhealthy, ${counts.pending} not started`,
      {
        hint: `fix the cause, then: ${resumeCommand(final)}`,
        resultPrinted: true,
      },
    );
  }
}
