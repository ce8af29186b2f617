/**
 * Capacity from the backend: stacks per ALB (tenant index, both tenant and preview projects), listener priorities
 * claimed per ALB, stacks in the account; the ALBs themselves from the shared stack's outputs. Also the check that
 * provision and restore run first: exit 5 naming the limit and the fix, before a hard limit would be crossed.
 */
import type { SharedOutputs } from "../../infra/shared/outputs";
import { PrerequisiteError } from "../errors";
import { usedPriorities } from "../orchestration/priorities";
import { PREVIEWS_PROJECT, TENANTS_PROJECT } from "../orchestration/projects";
import type { RecordStore } from "../orchestration/records";
import { listIndex, type TenantIndexEntry } from "../orchestration/tenant-index";
import { capacityRows, placeTenant, quotasFromEnv, type FleetCounts, type LimitRow, type Quotas } from "./capacity-math";

export interface CapacityReport {
  readonly env: string;
  readonly quotas: Quotas;
  readonly counts: FleetCounts;
  readonly rows: readonly LimitRow[];
  /** Where the next tenant of this env would go, or why it would be refused. */
  readonly next: { readonly loadBalancer: string } | { readonly refused: string; readonly fix: string };
}

export async function gatherCounts(store: RecordStore, env: string, albIds: readonly string[], exclude?: { project: string; stack: string }): Promise<FleetCounts> {
  const entries: TenantIndexEntry[] = [...(await listIndex(store, TENANTS_PROJECT)), ...(await listIndex(store, PREVIEWS_PROJECT))]
    .filter((e) => exclude === undefined || e.project !== exclude.project || e.stack !== exclude.stack);
  const stacksPerAlb: Record<string, number> = Object.fromEntries(albIds.map((id) => [id, 0]));
  for (const e of entries) {
    if (e.env !== env) continue;
    const alb = e.spec.loadBalancer;
    stacksPerAlb[alb] = (stacksPerAlb[alb] ?? 0) + 1;
  }
  const prioritiesPerAlb: Record<string, number> = {};
  for (const alb of Object.keys(stacksPerAlb)) prioritiesPerAlb[alb] = (await usedPriorities(store, { env, loadBalancer: alb })).size;
  return { stacksInAccount: entries.length, stacksPerAlb, prioritiesPerAlb };
}

export async function capacityReport(store: RecordStore, env: string, shared: SharedOutputs, processEnv: NodeJS.ProcessEnv, overrides: Partial<Quotas> = {}): Promise<CapacityReport> {
  const quotas = quotasFromEnv(processEnv, overrides);
  const counts = await gatherCounts(store, env, shared.loadBalancers.map((lb) => lb.id));
  const rows = capacityRows(counts, quotas, env);
  const placement = placeTenant(rows);
  return { env, quotas, counts, rows, next: placement.ok ? { loadBalancer: placement.loadBalancer } : { refused: placement.message, fix: placement.fix } };
}

/**
 * For a new tenant stack (provision, restore): the ALB it goes on, or PrerequisiteError (exit 5) naming the limit
 * and the fix. `preferred` keeps a tenant's recorded ALB when it has room; `self` excludes the stack's own index entry.
 */
export async function placeNewTenant(
  store: RecordStore,
  env: string,
  shared: SharedOutputs,
  processEnv: NodeJS.ProcessEnv,
  options: { preferred?: string | undefined; self?: { project: string; stack: string } } = {},
): Promise<string> {
  const quotas = quotasFromEnv(processEnv);
  const counts = await gatherCounts(store, env, shared.loadBalancers.map((lb) => lb.id), options.self);
  const placement = placeTenant(capacityRows(counts, quotas, env), options.preferred);
  if (placement.ok) return placement.loadBalancer;
  throw new PrerequisiteError(`refusing to add a tenant: ${placement.message}`, {
    hint: `${placement.fix}\nsee the fleet's headroom with: tenantctl capacity --env ${env}`,
    details: { limit: placement.limit },
  });
}
