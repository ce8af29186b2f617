/**
 * `pool status`: every unassigned slot of the env with its tier, age, health and image, per-tier counts, and what
 * the idle pool costs per month (the tier's estimate per slot; infra/tiers.ts). `--check` re-checks each slot's
 * health first (a refresh preview of its stack).
 */
import { costBreakdown } from "../../infra/tiers";
import type { EngineSession } from "../orchestration/session";
import { finishStaleClaims, type StuckClaim } from "./claim";
import { checkSlot } from "./health";
import { POOL_TIERS } from "./input";
import { listSlots, type SlotView } from "./records";

export interface SlotRow {
  readonly tenantId: string;
  readonly tier: string;
  readonly ageSeconds: number;
  /** ready | unhealthy | failed | creating | claiming */
  readonly state: string;
  readonly reason: string | null;
  readonly checkedAt: string | null;
  readonly image: string;
  readonly loadBalancer: string;
  readonly listenerPriority: number;
  readonly monthlyCostUsd: number;
}

export interface PoolStatus {
  readonly env: string;
  readonly slots: readonly SlotRow[];
  readonly tiers: Readonly<
    Record<string, { readonly slots: number; readonly ready: number; readonly monthlyCostUsd: number }>
  >;
  readonly monthlyCostUsd: number;
  /** Interrupted claims this run finished (tenant slugs). */
  readonly finishedClaims: readonly string[];
  /** Interrupted claims that could not be finished yet, with the recovery steps. */
  readonly stuckClaims: readonly StuckClaim[];
}

export function slotState(s: SlotView): { state: string; reason: string | null } {
  if (s.claim !== undefined) return { state: "claiming", reason: `claimed for ${s.claim.slug}` };
  if (s.status === "in-progress") return { state: "creating", reason: null };
  if (s.status !== "succeeded") return { state: "failed", reason: s.message ?? `last operation ${s.status}` };
  if (s.health?.healthy === false) return { state: "unhealthy", reason: s.health.reason ?? null };
  return { state: "ready", reason: null };
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

export function poolStatusOf(
  env: string,
  slots: readonly SlotView[],
  now: Date,
  finishedClaims: readonly string[] = [],
  stuckClaims: readonly StuckClaim[] = [],
): PoolStatus {
  const rows = slots.map((s): SlotRow => ({
    tenantId: s.tenantId,
    tier: s.tier,
    ageSeconds: Math.max(0, Math.round((now.getTime() - Date.parse(s.createdAt)) / 1000)),
    ...slotState(s),
    checkedAt: s.health?.checkedAt ?? null,
    image: s.image,
    loadBalancer: s.loadBalancer,
    listenerPriority: s.listenerPriority,
    monthlyCostUsd: costBreakdown(s.spec.tier, { identitySecret: s.spec.tenantId !== undefined }).totalUsd,
  }));
  const tiers: Record<string, { slots: number; ready: number; monthlyCostUsd: number }> = {};
  for (const tier of POOL_TIERS) {
    const mine = rows.filter((r) => r.tier === tier);
    tiers[tier] = {
      slots: mine.length,
      ready: mine.filter((r) => r.state === "ready").length,
      monthlyCostUsd: round2(mine.reduce((sum, r) => sum + r.monthlyCostUsd, 0)),
    };
  }
  return {
    env,
    slots: rows,
    tiers,
    monthlyCostUsd: round2(rows.reduce((sum, r) => sum + r.monthlyCostUsd, 0)),
    finishedClaims,
    stuckClaims,
  };
}

export async function poolStatus(
  session: EngineSession,
  env: string,
  check: boolean,
  retry: string,
): Promise<PoolStatus> {
  const { finished, stuck } = await finishStaleClaims(session, env, retry);
  if (check)
    for (const slot of await listSlots(session.store, env))
      if (slot.claim === undefined) await checkSlot(session, slot, retry);
  return poolStatusOf(
    env,
    await listSlots(session.store, env),
    session.io.now(),
    finished.map((f) => f.spec.slug),
    stuck,
  );
}
