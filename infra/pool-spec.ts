// The specs of a warm-pool slot and of the tenant it becomes when claimed. Pure: the CLI, the tests and the
// simulation build both from here, so "a claim changes only identity, routing and tags" is checked on one definition.
import { parseTenantSpec, type TenantSpec } from "./spec";

/** Shown nowhere a customer sees (a slot serves only /healthz and /readyz); a valid display name for the schema. */
export const SLOT_DISPLAY_NAME = "Unassigned pool slot";
export const SLOT_PRIMARY_COLOR = "#7a3db8";

export interface SlotRequest {
  readonly tenantId: string;
  readonly env: string;
  readonly tier: TenantSpec["tier"];
  readonly image: string;
  readonly listenerPriority: number;
  readonly loadBalancer: string;
}

export function slotSpec(req: SlotRequest): TenantSpec {
  return parseTenantSpec({
    slug: req.tenantId,
    tenantId: req.tenantId,
    slot: true,
    displayName: SLOT_DISPLAY_NAME,
    env: req.env,
    tier: req.tier,
    skin: { primaryColor: SLOT_PRIMARY_COLOR },
    image: req.image,
    listenerPriority: req.listenerPriority,
    loadBalancer: req.loadBalancer,
    generation: 1,
  });
}

/** What the customer brings to a claim: everything else (size, image, priority, ALB, names) the slot already has. */
export interface ClaimIdentity {
  readonly slug: string;
  readonly displayName: string;
  readonly skin: TenantSpec["skin"];
  readonly owner?: string | undefined;
}

/** The slot's spec with the customer's identity; throws SpecValidationError for a bad identity. */
export function claimedSpec(slot: TenantSpec, who: ClaimIdentity): TenantSpec {
  if (slot.slot !== true || slot.tenantId === undefined)
    throw new Error(`claimedSpec: ${slot.slug} is not an unassigned pool slot`);
  const { slot: _unassigned, ...rest } = slot;
  return parseTenantSpec({
    ...rest,
    slug: who.slug,
    displayName: who.displayName,
    skin: who.skin,
    ...(who.owner === undefined ? {} : { owner: who.owner }),
  });
}
