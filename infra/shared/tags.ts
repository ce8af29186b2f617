// Tags of the shared layer. It carries the same four keys as tenant resources, with `tenant=shared`, so a cost
// report grouped by tenant shows the shared layer as its own line instead of an untagged remainder.
import { MANAGED_BY } from "../tenant/context";

export const SHARED_TENANT_TAG = "shared";

export function sharedTags(env: string): Readonly<Record<string, string>> {
  return { tenant: SHARED_TENANT_TAG, env, tier: SHARED_TENANT_TAG, "managed-by": MANAGED_BY };
}
