/**
 * `pool drain`: removes unassigned slots of a tier (all, or `--size n`: unusable ones first, then the newest). Each
 * slot is first taken with an exclusive claim record, so a provision cannot claim it while it is being removed;
 * then it is torn down like a tenant, without a final snapshot (it never held customer data) and with its secrets
 * deleted at once (the admin token was never handed out).
 */
import { runEngine } from "../orchestration/run-engine";
import { teardownTenant } from "../orchestration/teardown";
import { tenantTarget } from "../orchestration/tenant-stack";
import { openWorkspace, selectExisting } from "../orchestration/workspace";
import type { EngineSession } from "../orchestration/session";
import type { PoolTier } from "./input";
import { claimKey, healthKey, listSlots, newClaimRecord, type SlotView } from "./records";
import { slotState } from "./status";

export interface DrainPlan {
  readonly env: string;
  readonly tier: PoolTier;
  readonly slots: readonly SlotView[];
}

/** Which slots a drain removes: unusable before ready, newer before older (the oldest ready slots are claimed first). */
export function drainOrder(slots: readonly SlotView[], tier: string, size: number | undefined): SlotView[] {
  const rank = (s: SlotView): number => (slotState(s).state === "ready" ? 1 : 0);
  const mine = slots
    .filter((s) => s.tier === tier && s.claim === undefined)
    .sort((a, b) => rank(a) - rank(b) || b.createdAt.localeCompare(a.createdAt));
  return mine.slice(0, size ?? mine.length);
}

export async function planDrain(
  session: EngineSession,
  env: string,
  tier: PoolTier,
  size: number | undefined,
): Promise<DrainPlan> {
  return { env, tier, slots: drainOrder(await listSlots(session.store, env), tier, size) };
}

export interface DrainResult {
  readonly removed: readonly string[];
  /** Taken by a provision between the plan and the drain: left to it. */
  readonly skipped: readonly string[];
}

async function refreshSlot(session: EngineSession, slot: SlotView, retry: string): Promise<void> {
  const target = tenantTarget(slot.tenantId, slot.env);
  const stack = await selectExisting(await openWorkspace(session.workspace, target.project, undefined), target.stack);
  if (stack === undefined) return;
  const run = {
    io: session.io,
    project: target.project,
    stack: target.stack,
    fileRoot: session.backend.fileRoot,
    retry,
  };
  await runEngine({ ...run, title: `refreshing pool slot ${slot.tenantId} before removing it` }, (o) =>
    stack.refresh(o),
  );
}

export async function drainPool(session: EngineSession, plan: DrainPlan, retry: string): Promise<DrainResult> {
  const removed: string[] = [];
  const skipped: string[] = [];
  for (const slot of plan.slots) {
    const key = claimKey(plan.env, slot.tenantId);
    if (!(await session.store.createExclusive(key, { ...newClaimRecord(slot.spec, session.io.now()), drain: true }))) {
      skipped.push(slot.tenantId);
      continue;
    }
    try {
      // A slot found changed or gone behind tenantctl's back is refreshed first, so teardown does not trip over
      // (say) a database that no longer exists.
      if (slotState(slot).state !== "ready") await refreshSlot(session, slot, retry);
      await teardownTenant(session, {
        slug: slot.tenantId,
        env: plan.env,
        keepStack: false,
        forceDeleteSecrets: true,
        retry,
        confirm: () => Promise.resolve(),
      });
      await session.store.remove(healthKey(plan.env, slot.tenantId));
      removed.push(slot.tenantId);
    } finally {
      await session.store.remove(key);
    }
  }
  return { removed, skipped };
}
