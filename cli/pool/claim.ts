/**
 * Claiming a warm slot for a new tenant (`provision tenant` without --no-pool): pick a healthy slot of the tier,
 * win it through an exclusive claim record, `up` its stack with the customer's identity (the identity secret, the
 * listener rule's host, DNS and tags change; no database or task definition change, see infra/pool-spec.ts), rename
 * the stack to `<env>-<slug>` and move its index entry, listener priority and capacity seats to that name. Every
 * step can run again: a claim record left by an interrupted claim is finished by the next claim, fill or status.
 */
import { claimedSpec } from "../../infra/pool-spec";
import type { TenantSpec } from "../../infra/spec";
import { ConflictError } from "../errors";
import type { RequestedTenant } from "../tenant-input";
import { ACCOUNT_POOL, albPool, moveSeat } from "../store/capacity-claims";
import { movePriority } from "../store/priorities";
import type { EngineSession } from "../orchestration/session";
import { plainOutputs, readSharedOutputs } from "../orchestration/shared-stack";
import { stackExists } from "../store/stack-files";
import { assertUnlocked } from "../orchestration/engine-errors";
import { inspectDeath, staleLockError } from "../orchestration/engine-recovery";
import { EngineFailure, runEngine } from "../orchestration/run-engine";
import { readIndexEntry, removeIndexEntry, writeIndexEntry } from "../store/tenant-index";
import { openTenantStack, tenantTarget } from "../orchestration/tenant-stack";
import {
  claimable,
  claimKey,
  healthKey,
  isStaleClaim,
  listClaims,
  listSlots,
  newClaimRecord,
  slugKey,
  type ClaimRecord,
  type SlotView,
} from "./records";

export interface ClaimResult {
  readonly tenantId: string;
  readonly spec: TenantSpec;
  readonly stack: string;
  readonly changes: Record<string, number>;
  readonly outputs: Record<string, unknown>;
}

/** A slot fits when it has the tier and, if the operator named an image, runs exactly that image (no deployment). */
export function slotFits(slot: SlotView, requested: RequestedTenant): boolean {
  return (
    slot.tier === requested.spec.tier &&
    (!requested.imageGiven || slot.image === requested.spec.image) &&
    claimable(slot)
  );
}

/**
 * Claims a slot and turns it into the requested tenant; undefined when no healthy slot fits (the caller provisions
 * cold). Throws ConflictError (exit 4) when another claim of the same slug is running.
 */
export async function claimFromPool(
  session: EngineSession,
  requested: RequestedTenant,
  retry: string,
): Promise<ClaimResult | undefined> {
  const { store } = session;
  const want = requested.spec;
  const now = session.io.now();
  await finishStaleClaims(session, want.env, retry);
  // Only a new tenant is claimed: an existing one converges (or is refused) by the normal provision.
  const target = tenantTarget(want.slug, want.env);
  if ((await stackExists(session.backend, target.project, target.stack)) !== false) return undefined;
  const candidates = (await listSlots(store, want.env)).filter((s) => slotFits(s, requested));
  if (candidates.length === 0) return undefined;
  const slugRecord = { slug: want.slug, startedAt: now.toISOString(), pid: process.pid };
  if (!(await store.createExclusive(slugKey(want.env, want.slug), slugRecord))) {
    throw new ConflictError(`a warm-pool claim of ${want.slug} is already running in env ${want.env}`, {
      hint: `wait for it, then check with: tenantctl status tenant ${want.slug} --env ${want.env}`,
    });
  }
  try {
    for (const slot of candidates) {
      const spec = claimedSpec(slot.spec, {
        slug: want.slug,
        displayName: want.displayName,
        skin: want.skin,
        owner: want.owner,
      });
      const record = newClaimRecord(spec, now);
      // Exclusive: of two provisions racing for this slot exactly one writes the record; the other tries the next.
      if (await store.createExclusive(claimKey(want.env, slot.tenantId), record))
        return await completeClaim(session, record, retry);
    }
    return undefined;
  } finally {
    await store.remove(slugKey(want.env, want.slug));
  }
}

export interface StuckClaim {
  readonly tenantId: string;
  readonly slug: string;
  /** Why it could not be finished, with the recovery steps (e.g. the stale lock of the engine that was killed). */
  readonly error: string;
}

/**
 * Claims left by a process that died are finished (rolled forward) before anything else looks at the pool. One
 * that cannot be finished yet (its engine left a stale lock) stays claimed, so nobody else gets the slot, and is
 * returned as stuck with the recovery steps; the next run after them finishes it.
 */
export async function finishStaleClaims(
  session: EngineSession,
  env: string,
  retry: string,
): Promise<{ finished: ClaimResult[]; stuck: StuckClaim[] }> {
  const finished: ClaimResult[] = [];
  const stuck: StuckClaim[] = [];
  for (const record of await listClaims(session.store, env)) {
    if (!isStaleClaim(record, session.io.now())) continue;
    if (record.drain === true) {
      // An interrupted drain: the slot is listed again (as failed, if its teardown stopped half-way).
      await session.store.remove(claimKey(env, record.tenantId));
    } else {
      session.io.stderr.write(`finishing the interrupted claim of pool slot ${record.tenantId} for ${record.slug}\n`);
      try {
        finished.push(
          await completeClaim(
            session,
            { ...record, pid: process.pid, startedAt: session.io.now().toISOString() },
            retry,
          ),
        );
      } catch (error: unknown) {
        const hint = error instanceof ConflictError && error.hint !== undefined ? `\n${error.hint}` : "";
        stuck.push({
          tenantId: record.tenantId,
          slug: record.slug,
          error: `${error instanceof Error ? error.message : String(error)}${hint}`,
        });
        // Keep it stale for the next run: the record's process is the one that died.
        await session.store.writeJson(claimKey(env, record.tenantId), record);
      }
    }
  }
  return { finished, stuck };
}

/** The claim proper; idempotent, so it also finishes an interrupted one (whatever step it stopped at). */
export async function completeClaim(session: EngineSession, record: ClaimRecord, retry: string): Promise<ClaimResult> {
  const { store } = session;
  const spec = record.spec;
  const target = tenantTarget(spec.slug, spec.env);
  const slotStack = tenantTarget(record.tenantId, spec.env).stack;
  await store.writeJson(claimKey(spec.env, record.tenantId), record);
  const shared = await readSharedOutputs(session, spec.env);
  // Before the rename the slot's stack holds the claim; after it (an interrupted claim) the tenant's name does.
  const renamed = (await stackExists(session.backend, target.project, slotStack)) === false;
  const current = renamed ? target.stack : slotStack;
  const { stack } = await openTenantStack(session, { ...target, stack: current }, spec, shared);
  // Not runStackOperation: the index keeps the slot's entry until the claim is complete (the claim record is the
  // "in progress" mark), so no reader ever sees a half-assigned tenant.
  const run = {
    io: session.io,
    project: target.project,
    stack: current,
    fileRoot: session.backend.fileRoot,
    retry,
    inspect: () => stack.exportStack(),
  };
  await assertUnlocked(session.backend, run).catch(async (error: unknown) => {
    if (!(error instanceof ConflictError) || error.details.stale !== true) throw error;
    throw staleLockError(
      await inspectDeath({ ...run, env: session.io.env, cwd: session.io.cwd, how: "gone" }, run.inspect),
    );
  });
  const outcome = await runEngine(
    { ...run, title: `claiming warm-pool slot ${record.tenantId} for ${spec.slug}` },
    (o) => stack.up(o),
  ).catch((error: unknown) => {
    throw error instanceof EngineFailure ? error.translated : error;
  });
  const applied = { changes: outcome.changes, outputs: plainOutputs(outcome.result.outputs) };
  if (!renamed) await stack.rename({ stackName: target.stack });
  const now = session.io.now();
  const entry = await readIndexEntry(store, target.project, slotStack);
  await writeIndexEntry(store, {
    spec,
    project: target.project,
    stack: target.stack,
    operation: "provision",
    status: "succeeded",
    url: typeof applied.outputs.url === "string" ? applied.outputs.url : undefined,
    resourceCount: entry?.resourceCount,
    now,
  });
  // Each move writes the new record before removing the old one, and does nothing once moved.
  const from = { project: target.project, stack: slotStack, slug: record.tenantId };
  const to = { project: target.project, stack: target.stack, slug: spec.slug };
  await movePriority(store, { env: spec.env, loadBalancer: spec.loadBalancer, ...from }, to, now);
  await moveSeat(store, ACCOUNT_POOL, from, to);
  await moveSeat(store, albPool(spec.env, spec.loadBalancer), from, to);
  await removeIndexEntry(store, target.project, slotStack);
  await store.remove(healthKey(spec.env, record.tenantId));
  await store.remove(claimKey(spec.env, record.tenantId));
  return { tenantId: record.tenantId, spec, stack: target.stack, changes: applied.changes, outputs: applied.outputs };
}
