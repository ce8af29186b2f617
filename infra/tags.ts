/**
 * The tags of every taggable resource, tenant and shared alike: the same four keys (tenant, env, tier, managed-by),
 * so a cost report grouped by any of them has no untagged remainder. Pure.
 */
import type { TenantSpec } from "./spec";

export const MANAGED_BY = "tenantctl";

/** The `tenant` and `tier` value of the shared layer's resources: a cost report shows it as its own line. */
export const SHARED_TENANT_TAG = "shared";

/**
 * A tenant's tags. Display names and branches stay out: tag values allow only letters, digits, spaces and
 * `+ - = . _ : / @`, and both are free text. A preview's resources also carry `expires-at`;
 * a pool-born tenant `tenant-id`, and an unassigned slot `pool-slot`.
 */
export function tenantTags(spec: TenantSpec): Readonly<Record<string, string>> {
  return {
    tenant: spec.slug,
    env: spec.env,
    tier: spec.tier,
    "managed-by": MANAGED_BY,
    ...(spec.preview === undefined ? {} : { "expires-at": spec.preview.expiresAt }),
    ...(spec.tenantId === undefined ? {} : { "tenant-id": spec.tenantId }),
    ...(spec.slot === true ? { "pool-slot": "unassigned" } : {}),
  };
}

export function sharedTags(env: string): Readonly<Record<string, string>> {
  return { tenant: SHARED_TENANT_TAG, env, tier: SHARED_TENANT_TAG, "managed-by": MANAGED_BY };
}
