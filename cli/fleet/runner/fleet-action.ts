/**
 * `upgrade tenants --detach | --join <id> | --status <id>` (fleet-input.ts validates them). --detach plans the
 * rollout exactly as a one-machine rollout does and records it for runners; with --resume it opens the rollout's
 * next epoch (its failed and unhealthy tenants are retried, the halt lifted, the limits may change). Runners and the
 * status report are in fleet-join.ts and fleet-status.ts.
 */
import { ConflictError, NotFoundError, UsageError } from "../../errors";
import type { Io, Reporter } from "../../io";
import { TENANTS_PROJECT } from "../../orchestration/projects";
import type { RecordStore } from "../../store/records";
import { openRecordsSession } from "../../orchestration/session";
import { listIndex } from "../../store/tenant-index";
import type { RolloutState } from "../rollout-state";
import { currentOwner, latestOpenRollout, refuseIfLive, rolloutKey, saveRollout } from "../../store/rollout-store";
import { planRollout } from "../plan-rollout";
import { parseUpgradeFlags } from "../upgrade-input";
import { joinAction } from "./fleet-join";
import { joinCommand } from "./fleet-input";
import { FleetRecords, readFacts } from "./fleet-records";
import { statusAction } from "./fleet-status";
import { decide, failureCount } from "./fleet-view";
import type { FleetFlags, FleetMode } from "./fleet-input";

export async function fleetAction(io: Io, reporter: Reporter, flags: FleetFlags, mode: FleetMode): Promise<void> {
  if (mode.kind === "join") {
    await joinAction(io, reporter, flags, mode);
  } else if (mode.kind === "status") {
    await statusAction(io, reporter, flags, mode.id);
  } else if (flags.resume !== undefined && flags.resume !== false) {
    await resumeDetached(io, reporter, flags);
  } else {
    await createDetached(io, reporter, flags);
  }
}

async function createDetached(io: Io, reporter: Reporter, flags: FleetFlags): Promise<void> {
  const input = await parseUpgradeFlags(flags, io.env);
  const records = openRecordsSession(io);
  const entries = (await listIndex(records.store, TENANTS_PROJECT)).filter((e) => e.env === input.env);
  const planned = await planRollout(io, input, entries);
  await refuseIfLive(records.store, input.env);
  const state: RolloutState = { ...planned, distributed: true };
  const fleet = new FleetRecords(records.store, state.env, state.id);
  if (
    !(await fleet.createPlan({
      id: state.id,
      env: state.env,
      options: state.options,
      waves: state.waves,
      pinned: state.pinned,
      createdAt: state.createdAt,
      createdBy: currentOwner(),
    }))
  ) {
    throw new ConflictError(
      `rollout ${state.id} already exists in env ${state.env}; run the command again for a new id`,
    );
  }
  await fleet.createEpoch({
    epoch: 0,
    at: state.createdAt,
    maxFailures: state.options.maxFailures,
    health: state.options.health,
    healthUrl: state.options.healthUrl,
  });
  await saveRollout(records.store, state);
  const tenants = Object.keys(state.tenants).length;
  reporter.result(
    {
      rolloutId: state.id,
      env: state.env,
      image: state.options.image,
      epoch: 0,
      tenants,
      waves: state.waves.length,
      pinned: [...state.pinned],
      join: joinCommand(state.env, state.id),
    },
    (out) => {
      out(
        `rollout ${state.id} created: ${state.options.image} to ${tenants} tenant(s) of ${state.env} in ${state.waves.length} wave(s) (${state.pinned.length} pinned); nothing was upgraded`,
      );
      out(`  start runners with: ${joinCommand(state.env, state.id)}`);
    },
  );
}

async function loadDistributed(store: RecordStore, env: string, id: string | undefined): Promise<RolloutState> {
  const state =
    id === undefined ? await latestOpenRollout(store, env) : await store.readJson<RolloutState>(rolloutKey(env, id));
  if (state === undefined) {
    throw new NotFoundError(
      id === undefined ? `no unfinished rollout to resume in env ${env}` : `no rollout ${id} in env ${env}`,
      { hint: `create one with: tenantctl upgrade tenants --env ${env} --image <ref> --detach` },
    );
  }
  if (state.distributed !== true) {
    throw new UsageError(
      `rollout ${state.id} was not created with --detach (allowed: --resume ${state.id} without --detach continues it on this machine)`,
    );
  }
  return state;
}

/** A new epoch: runners (running ones pick it up between claims) retry the failures of the previous ones. */
async function resumeDetached(io: Io, reporter: Reporter, flags: FleetFlags): Promise<void> {
  const input = await parseUpgradeFlags(flags, io.env);
  const records = openRecordsSession(io);
  const state = await loadDistributed(records.store, input.env, input.resume?.id);
  const fleet = new FleetRecords(records.store, state.env, state.id);
  const last = await fleet.latestEpoch();
  if (last === undefined) throw new NotFoundError(`rollout ${state.id} has no fleet records in env ${state.env}`);
  const facts = await readFacts(fleet);
  if (facts !== undefined && decide(facts).kind === "complete" && failureCount(facts) === 0) {
    throw new ConflictError(
      `rollout ${state.id} already completed with every tenant upgraded; start a new one with --image`,
    );
  }
  const epoch = {
    epoch: last.epoch + 1,
    at: io.now().toISOString(),
    maxFailures: input.maxFailures ?? last.maxFailures,
    health: input.health ?? last.health,
    healthUrl: input.healthUrl ?? last.healthUrl,
  };
  if (!(await fleet.createEpoch(epoch)))
    throw new ConflictError(
      `rollout ${state.id} was resumed by someone else at the same moment; see: tenantctl upgrade tenants --env ${state.env} --status ${state.id}`,
    );
  await saveRollout(records.store, { ...state, status: "running", updatedAt: epoch.at });
  reporter.result(
    {
      rolloutId: state.id,
      env: state.env,
      image: state.options.image,
      epoch: epoch.epoch,
      join: joinCommand(state.env, state.id),
    },
    (out) => {
      out(
        `rollout ${state.id} resumed as epoch ${epoch.epoch}: its failed and unhealthy tenants will be retried; nothing was upgraded yet`,
      );
      out(`  start runners with: ${joinCommand(state.env, state.id)}`);
    },
  );
}
