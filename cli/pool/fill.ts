/**
 * `pool fill`: creates slots until the tier has `size` usable ones (created and not unhealthy). Each slot is a
 * normal provision of a slot spec (infra/pool-spec.ts) through applyTenant, so it takes capacity seats, a listener
 * priority and the env's default image exactly like a new tenant, and refuses (exit 5) when a limit would be crossed.
 */
import { slotSpec } from "../../infra/pool-spec";
import { newTenantId } from "../../infra/tenant-id";
import { applyTenant } from "../orchestration/apply";
import type { EngineSession } from "../orchestration/session";
import { finishStaleClaims } from "./claim";
import { checkSlot } from "./health";
import type { PoolTier } from "./input";
import { listSlots, type SlotView } from "./records";

export interface FillRequest {
  readonly env: string;
  readonly tier: PoolTier;
  readonly size: number;
  readonly image: string | undefined;
  /** Check the existing slots' health first (a refresh preview each), so unhealthy ones are replaced. */
  readonly check: boolean;
  readonly retry: string;
}

export interface FillResult {
  readonly env: string;
  readonly tier: PoolTier;
  readonly size: number;
  readonly existing: number;
  readonly created: readonly string[];
  /** Slots not counted: failed or unhealthy (drain them, or fix and check again). */
  readonly unusable: readonly { readonly tenantId: string; readonly reason: string }[];
}

const usable = (s: SlotView): boolean =>
  s.status === "succeeded" && s.health?.healthy !== false && s.claim === undefined;

export async function fillPool(session: EngineSession, req: FillRequest): Promise<FillResult> {
  await finishStaleClaims(session, req.env, req.retry);
  let slots = (await listSlots(session.store, req.env)).filter((s) => s.tier === req.tier);
  if (req.check) {
    for (const slot of slots) await checkSlot(session, slot, req.retry);
    slots = (await listSlots(session.store, req.env)).filter((s) => s.tier === req.tier);
  }
  const ok = slots.filter(usable);
  const unusable = slots
    .filter((s) => !usable(s) && s.claim === undefined)
    .map((s) => ({
      tenantId: s.tenantId,
      reason: s.status !== "succeeded" ? `last operation ${s.status}` : (s.health?.reason ?? "unhealthy"),
    }));
  const created: string[] = [];
  for (let n = ok.length; n < req.size; n += 1) {
    const tenantId = newTenantId();
    session.io.stderr.write(`pool ${req.env}/${req.tier}: creating slot ${tenantId} (${n + 1} of ${req.size})\n`);
    // Priority, ALB, image (when not given) and generation are allocated by applyTenant; these are placeholders.
    const spec = slotSpec({
      tenantId,
      env: req.env,
      tier: req.tier,
      image: req.image ?? "registry.invalid/tenantctl-app:pool",
      listenerPriority: 1,
      loadBalancer: "alb-0",
    });
    await applyTenant(session, {
      mode: "provision",
      requested: { spec, imageGiven: req.image !== undefined },
      flags: {},
      dryRun: false,
      retry: req.retry,
      confirm: () => Promise.resolve(true),
    });
    created.push(tenantId);
  }
  return { env: req.env, tier: req.tier, size: req.size, existing: ok.length, created, unusable };
}
