/**
 * Capacity from the backend: stacks per ALB and in the account (the tenant index of both tenant and preview projects,
 * united with the capacity seats held by stacks still being created), listener priorities claimed per ALB; the ALBs
 * themselves from the shared stack's outputs. Also the placement that provision and restore run first: exit 5 naming
 * the limit and the fix, before a limit would be crossed — race-free, because the tenant must then win a numbered
 * seat below the limit in the account and on its ALB (cli/store/capacity-claims.ts) before anything is created.
 */
import type { SharedOutputs } from "../../infra/shared/outputs";
import { PrerequisiteError } from "../errors";
import {
  ACCOUNT_POOL,
  albPool,
  claimSeat,
  heldSeat,
  releaseSeat,
  seatedStacks,
  seatKeyOf,
} from "../store/capacity-claims";
import { usedPriorities } from "../store/priorities";
import { PREVIEWS_PROJECT, TENANTS_PROJECT } from "../orchestration/projects";
import type { RecordStore } from "../store/records";
import { listIndex, type TenantIndexEntry } from "../store/tenant-index";
import {
  capacityRows,
  openAlbs,
  placeTenant,
  resolveQuotas,
  tenantLimits,
  type FleetCounts,
  type LimitRow,
  type Quotas,
  type QuotaSources,
  type Refusal,
  type ResolvedQuotas,
} from "./capacity-math";
import { readCachedQuotas } from "./service-quotas";

export interface CapacityReport {
  readonly env: string;
  readonly quotas: Quotas;
  /** Where each quota came from: flag, env, service-quotas or default. */
  readonly quotaSources: QuotaSources;
  readonly counts: FleetCounts;
  readonly rows: readonly LimitRow[];
  /** Where the next tenant of this env would go, or why it would be refused. */
  readonly next: { readonly loadBalancer: string } | { readonly refused: string; readonly fix: string };
}

interface StackId {
  readonly project: string;
  readonly stack: string;
}

interface Occupancy {
  readonly counts: FleetCounts;
  /** Stacks counted in the account that hold no account seat. */
  readonly unseatedInAccount: number;
  /** Per ALB of the env: stacks counted on it that hold no seat on it. */
  readonly unseatedPerAlb: Readonly<Record<string, number>>;
}

async function gatherOccupancy(
  store: RecordStore,
  env: string,
  albIds: readonly string[],
  exclude?: StackId,
): Promise<Occupancy> {
  const excluded = exclude === undefined ? undefined : seatKeyOf(exclude);
  const entries: TenantIndexEntry[] = [
    ...(await listIndex(store, TENANTS_PROJECT)),
    ...(await listIndex(store, PREVIEWS_PROJECT)),
  ].filter((e) => seatKeyOf(e) !== excluded);
  const without = (keys: Set<string>): Set<string> => new Set([...keys].filter((k) => k !== excluded));
  const accountSeats = without(await seatedStacks(store, ACCOUNT_POOL));
  const indexed = new Set(entries.map(seatKeyOf));
  const inAccount = new Set([...indexed, ...accountSeats]);
  const stacksPerAlb: Record<string, number> = {};
  const unseatedPerAlb: Record<string, number> = {};
  const albs = [...new Set([...albIds, ...entries.filter((e) => e.env === env).map((e) => e.spec.loadBalancer)])];
  for (const alb of albs) {
    const onAlb = new Set(entries.filter((e) => e.env === env && e.spec.loadBalancer === alb).map(seatKeyOf));
    const seats = without(await seatedStacks(store, albPool(env, alb)));
    stacksPerAlb[alb] = new Set([...onAlb, ...seats]).size;
    unseatedPerAlb[alb] = [...onAlb].filter((k) => !seats.has(k)).length;
  }
  const prioritiesPerAlb: Record<string, number> = {};
  for (const alb of albs) prioritiesPerAlb[alb] = (await usedPriorities(store, { env, loadBalancer: alb })).size;
  return {
    counts: { stacksInAccount: inAccount.size, stacksPerAlb, prioritiesPerAlb },
    unseatedInAccount: [...indexed].filter((k) => !accountSeats.has(k)).length,
    unseatedPerAlb,
  };
}

export async function gatherCounts(
  store: RecordStore,
  env: string,
  albIds: readonly string[],
  exclude?: StackId,
): Promise<FleetCounts> {
  return (await gatherOccupancy(store, env, albIds, exclude)).counts;
}

export async function capacityReport(
  store: RecordStore,
  env: string,
  shared: SharedOutputs,
  resolved: ResolvedQuotas,
): Promise<CapacityReport> {
  const counts = await gatherCounts(
    store,
    env,
    shared.loadBalancers.map((lb) => lb.id),
  );
  const rows = capacityRows(counts, resolved.quotas, env, resolved.sources);
  const placement = placeTenant(rows);
  return {
    env,
    quotas: resolved.quotas,
    quotaSources: resolved.sources,
    counts,
    rows,
    next: placement.ok ? { loadBalancer: placement.loadBalancer } : { refused: placement.message, fix: placement.fix },
  };
}

/** The quotas provision and restore plan with: TENANTCTL_QUOTA_*, else the values the last `capacity` read from Service Quotas, else AWS's defaults. */
export async function placementQuotas(
  store: RecordStore,
  region: string,
  processEnv: NodeJS.ProcessEnv,
): Promise<ResolvedQuotas> {
  return resolveQuotas(processEnv, {}, (await readCachedQuotas(store, region))?.values ?? {});
}

function refusalError(
  env: string,
  refusal: Pick<Refusal, "limit" | "message" | "fix">,
  sources: QuotaSources,
): PrerequisiteError {
  const source = {
    "rds-instances": sources.rdsInstances,
    "iam-roles": sources.iamRoles,
    "target-groups-per-alb": sources.targetGroupsPerAlb,
    "listener-rules-per-alb": sources.listenerRulesPerAlb,
  }[refusal.limit];
  return new PrerequisiteError(`refusing to add a tenant: ${refusal.message} (limit from ${source})`, {
    hint: `${refusal.fix}\nsee the fleet's headroom with: tenantctl capacity --env ${env}`,
    details: { limit: refusal.limit, source },
  });
}

/** ALBs a tenant may go on, best first: the placement's choice, then the others with room in placeTenant's order. */
function candidates(rows: readonly LimitRow[], chosen: string): string[] {
  return [chosen, ...openAlbs(rows).filter((a) => a !== chosen)];
}

const PLACEMENT_ATTEMPTS = 3;

/**
 * For a new tenant stack (provision, restore): the ALB it goes on, or PrerequisiteError (exit 5) naming the limit
 * and the fix. `preferred` keeps a tenant's recorded ALB when it has room; `self` is the stack being placed (its own
 * index entry and seats are not counted against it). Unless `peek` (dry runs), the stack leaves holding a seat in the
 * account and on the ALB; when refused it holds none. A rerun of an interrupted provision keeps the seats it won.
 */
export async function placeNewTenant(
  store: RecordStore,
  env: string,
  shared: SharedOutputs,
  processEnv: NodeJS.ProcessEnv,
  options: {
    preferred?: string | undefined;
    self?: { project: string; stack: string; slug?: string };
    peek?: boolean;
    now?: Date;
  } = {},
): Promise<string> {
  const resolved = await placementQuotas(store, shared.region, processEnv);
  const albIds = shared.loadBalancers.map((lb) => lb.id);
  const self = options.self;
  const holder =
    self === undefined ? undefined : { project: self.project, stack: self.stack, slug: self.slug ?? self.stack };
  if (holder !== undefined && !options.peek && (await heldSeat(store, ACCOUNT_POOL, holder)) !== undefined) {
    for (const alb of albIds) if ((await heldSeat(store, albPool(env, alb), holder)) !== undefined) return alb;
  }
  const limits = tenantLimits(resolved.quotas);
  let last: Pick<Refusal, "limit" | "message" | "fix"> | undefined;
  for (let attempt = 0; attempt < PLACEMENT_ATTEMPTS; attempt += 1) {
    const occupancy = await gatherOccupancy(store, env, albIds, self);
    const rows = capacityRows(occupancy.counts, resolved.quotas, env, resolved.sources);
    const placement = placeTenant(rows, options.preferred);
    if (!placement.ok) {
      // Seats left by an interrupted earlier attempt of this stack are given back: a refused stack holds none.
      if (holder !== undefined && !options.peek)
        for (const pool of [ACCOUNT_POOL, ...albIds.map((alb) => albPool(env, alb))])
          await releaseSeat(store, pool, holder);
      throw refusalError(env, placement, resolved.sources);
    }
    if (holder === undefined || options.peek) return placement.loadBalancer;
    const now = options.now ?? new Date();
    const account = await claimSeat(store, ACCOUNT_POOL, holder, {
      limit: limits.account,
      unseated: occupancy.unseatedInAccount,
      now,
    });
    if (account === undefined) {
      const limit = resolved.quotas.rdsInstances / 1 <= resolved.quotas.iamRoles / 2 ? "rds-instances" : "iam-roles";
      last = {
        limit,
        message: `${limit}: the account's last tenant slot was just taken by another provision`,
        fix: rows.find((r) => r.limit === limit)?.fix ?? "",
      };
      continue;
    }
    for (const alb of candidates(rows, placement.loadBalancer)) {
      const seat = await claimSeat(store, albPool(env, alb), holder, {
        limit: limits.perAlb,
        unseated: occupancy.unseatedPerAlb[alb] ?? 0,
        now,
      });
      if (seat !== undefined) return alb;
    }
    await releaseSeat(store, ACCOUNT_POOL, holder);
    const full = rows.find((r) => r.scope !== "account");
    last = {
      limit: full?.limit ?? "target-groups-per-alb",
      message: `${full?.limit ?? "target-groups-per-alb"}: the last room on every ALB was just taken by another provision`,
      fix: full?.fix ?? "",
    };
  }
  throw refusalError(env, last ?? { limit: "target-groups-per-alb", message: "no room", fix: "" }, resolved.sources);
}
