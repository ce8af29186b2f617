/**
 * Capacity maths: how much of each AWS limit that caps tenants (docs/fleet.md) the fleet uses, where
 * the next tenant goes, and which limit refuses it. Pure: counts in, report out (test/fleet/capacity-math.test.ts).
 */
import { UsageError } from "../errors";

/** What one tenant (or preview) stack consumes. */
// IAM roles: the service's execution and task roles and the bootstrap task's role (infra/tenant/service.ts, bootstrap.ts).
export const PER_TENANT = { rdsInstances: 1, iamRoles: 3, targetGroups: 1, listenerRules: 1 } as const;
/** AWS's hard cap: target groups per ALB cannot be raised. */
export const TARGET_GROUPS_PER_ALB_HARD_CAP = 100;

export interface Quotas {
  readonly rdsInstances: number;
  readonly iamRoles: number;
  /** ≤ 100; lower it to keep headroom (or to reach the cap in tests). */
  readonly targetGroupsPerAlb: number;
  readonly listenerRulesPerAlb: number;
}

export const DEFAULT_QUOTAS: Quotas = {
  rdsInstances: 40,
  iamRoles: 1000,
  targetGroupsPerAlb: 100,
  listenerRulesPerAlb: 100,
};

/**
 * The Service Quotas codes of the limits (read by cli/capacity/service-quotas.ts). Where each comes from: the quota
 * pages of the Service Quotas console and AWS's quota tables — rds "DB instances" L-7B6409FD (default 40), iam "Roles
 * per account" L-FE177D64 (global, default 1000), elasticloadbalancing "Target Groups per Application Load Balancer"
 * L-822D1B1B (100, not adjustable) and "Rules per Application Load Balancer" L-7EED9B64 (100, excluding default rules;
 * the ALB quota page links it). Cross-checked against several open-source quota checkers that call GetServiceQuota.
 */
export const QUOTA_CODES: Readonly<Record<keyof Quotas, string>> = {
  rdsInstances: "L-7B6409FD",
  iamRoles: "L-FE177D64",
  targetGroupsPerAlb: "L-822D1B1B",
  listenerRulesPerAlb: "L-7EED9B64",
};

export const QUOTA_ENV: Readonly<Record<keyof Quotas, string>> = {
  rdsInstances: "TENANTCTL_QUOTA_RDS_INSTANCES",
  iamRoles: "TENANTCTL_QUOTA_IAM_ROLES",
  targetGroupsPerAlb: "TENANTCTL_QUOTA_TARGET_GROUPS_PER_ALB",
  listenerRulesPerAlb: "TENANTCTL_QUOTA_LISTENER_RULES_PER_ALB",
};

/** Where a limit's value came from, in order of precedence. */
export type QuotaSource = "flag" | "env" | "service-quotas" | "default";
export type QuotaSources = Readonly<Record<keyof Quotas, QuotaSource>>;

export interface ResolvedQuotas {
  readonly quotas: Quotas;
  readonly sources: QuotaSources;
}

const QUOTA_KEYS = [
  "rdsInstances",
  "iamRoles",
  "targetGroupsPerAlb",
  "listenerRulesPerAlb",
] as const satisfies readonly (keyof Quotas)[];

/**
 * Each limit from, in order: an explicit flag (`overrides`), TENANTCTL_QUOTA_*, the account's value read from Service
 * Quotas (`fromServiceQuotas`, possibly the cached one), AWS's default. A malformed variable is a usage error (exit 2).
 */
export function resolveQuotas(
  env: NodeJS.ProcessEnv,
  overrides: Partial<Quotas> = {},
  fromServiceQuotas: Partial<Quotas> = {},
): ResolvedQuotas {
  const read = (key: keyof Quotas): [number, QuotaSource] => {
    const given = overrides[key];
    if (given !== undefined) return [given, "flag"];
    const raw = env[QUOTA_ENV[key]];
    if (raw !== undefined && raw !== "") {
      if (!/^\d{1,6}$/.test(raw.trim()))
        throw new UsageError(
          `${QUOTA_ENV[key]}="${raw}" is not a quota (allowed: a whole number, e.g. ${DEFAULT_QUOTAS[key]})`,
        );
      return [Number(raw.trim()), "env"];
    }
    const fetched = fromServiceQuotas[key];
    if (fetched !== undefined && Number.isFinite(fetched) && fetched >= 0) {
      // Service Quotas reports the cap itself for target groups; never plan past AWS's hard limit.
      return [
        key === "targetGroupsPerAlb"
          ? Math.min(Math.floor(fetched), TARGET_GROUPS_PER_ALB_HARD_CAP)
          : Math.floor(fetched),
        "service-quotas",
      ];
    }
    return [DEFAULT_QUOTAS[key], "default"];
  };
  const entries = QUOTA_KEYS.map((key) => [key, read(key)] as const);
  const quotas = Object.fromEntries(entries.map(([key, [value]]) => [key, value])) as unknown as Quotas;
  const sources = Object.fromEntries(entries.map(([key, [, source]]) => [key, source])) as unknown as QuotaSources;
  if (quotas.targetGroupsPerAlb > TARGET_GROUPS_PER_ALB_HARD_CAP) {
    throw new UsageError(
      `target groups per ALB cannot exceed ${TARGET_GROUPS_PER_ALB_HARD_CAP} (AWS's hard limit; got ${quotas.targetGroupsPerAlb})`,
    );
  }
  return { quotas, sources };
}

/** Quotas from the flags and TENANTCTL_QUOTA_* (the account's real values, when raised), over the defaults. */
export function quotasFromEnv(env: NodeJS.ProcessEnv, overrides: Partial<Quotas> = {}): Quotas {
  return resolveQuotas(env, overrides).quotas;
}

export interface FleetCounts {
  /** Tenant and preview stacks in the account (every env shares the account's RDS and IAM quotas). */
  readonly stacksInAccount: number;
  /** Stacks of this env per load balancer id; every ALB of the shared stack appears, possibly with 0. */
  readonly stacksPerAlb: Readonly<Record<string, number>>;
  /** Listener priorities claimed per load balancer of this env. */
  readonly prioritiesPerAlb: Readonly<Record<string, number>>;
}

export interface LimitRow {
  readonly limit: "rds-instances" | "iam-roles" | "target-groups-per-alb" | "listener-rules-per-alb";
  /** `account` or the ALB id. */
  readonly scope: string;
  readonly used: number;
  readonly max: number;
  readonly adjustable: boolean;
  /** Tenants that still fit under this limit. */
  readonly tenantsLeft: number;
  readonly fix: string;
  /** Where `max` came from. */
  readonly source: QuotaSource;
}

function row(
  limit: LimitRow["limit"],
  scope: string,
  used: number,
  max: number,
  per: number,
  adjustable: boolean,
  fix: string,
  source: QuotaSource,
): LimitRow {
  return { limit, scope, used, max, adjustable, tenantsLeft: Math.max(0, Math.floor((max - used) / per)), fix, source };
}

const ALL_DEFAULT: QuotaSources = {
  rdsInstances: "default",
  iamRoles: "default",
  targetGroupsPerAlb: "default",
  listenerRulesPerAlb: "default",
};

export function capacityRows(
  counts: FleetCounts,
  quotas: Quotas,
  env: string,
  sources: QuotaSources = ALL_DEFAULT,
): LimitRow[] {
  const albCount = Object.keys(counts.stacksPerAlb).length;
  const shard = `add an ALB shard: tenantctl shared up --env ${env} --config albCount=${albCount + 1}`;
  const rows = [
    row(
      "rds-instances",
      "account",
      counts.stacksInAccount * PER_TENANT.rdsInstances,
      quotas.rdsInstances,
      PER_TENANT.rdsInstances,
      true,
      `raise the RDS "DB instances" quota (rds ${QUOTA_CODES.rdsInstances}) in Service Quotas, then rerun \`tenantctl capacity\` to read it or set ${QUOTA_ENV.rdsInstances}`,
      sources.rdsInstances,
    ),
    row(
      "iam-roles",
      "account",
      counts.stacksInAccount * PER_TENANT.iamRoles,
      quotas.iamRoles,
      PER_TENANT.iamRoles,
      true,
      `raise the IAM "Roles per account" quota (iam ${QUOTA_CODES.iamRoles}, max 5,000), then rerun \`tenantctl capacity\` to read it or set ${QUOTA_ENV.iamRoles}`,
      sources.iamRoles,
    ),
  ];
  for (const [alb, stacks] of Object.entries(counts.stacksPerAlb).sort(([a], [b]) => a.localeCompare(b))) {
    rows.push(
      row(
        "target-groups-per-alb",
        alb,
        stacks * PER_TENANT.targetGroups,
        quotas.targetGroupsPerAlb,
        PER_TENANT.targetGroups,
        false,
        shard,
        sources.targetGroupsPerAlb,
      ),
    );
    const rules = Math.max(stacks, counts.prioritiesPerAlb[alb] ?? 0);
    rows.push(
      row(
        "listener-rules-per-alb",
        alb,
        rules * PER_TENANT.listenerRules,
        quotas.listenerRulesPerAlb,
        PER_TENANT.listenerRules,
        true,
        `raise "Rules per Application Load Balancer" (elasticloadbalancing ${QUOTA_CODES.listenerRulesPerAlb}) in Service Quotas and rerun \`tenantctl capacity\` or set ${QUOTA_ENV.listenerRulesPerAlb}, or ${shard}`,
        sources.listenerRulesPerAlb,
      ),
    );
  }
  return rows;
}

export interface Placement {
  readonly ok: true;
  readonly loadBalancer: string;
}

export interface Refusal {
  readonly ok: false;
  readonly limit: LimitRow["limit"];
  readonly message: string;
  readonly fix: string;
}

const albIdsOf = (rows: readonly LimitRow[]): string[] => [
  ...new Set(rows.filter((r) => r.scope !== "account").map((r) => r.scope)),
];

/** The ALBs with room for one more tenant, most room first (then by id): the order placement tries them in. */
export function openAlbs(rows: readonly LimitRow[]): string[] {
  const room = (alb: string): number => Math.min(...rows.filter((r) => r.scope === alb).map((r) => r.tenantsLeft));
  return albIdsOf(rows)
    .filter((alb) => room(alb) >= 1)
    .sort((a, b) => room(b) - room(a) || a.localeCompare(b));
}

/**
 * Where one more tenant goes: the account-wide limits must have room, then the ALB with the most room (ties: lowest
 * id) among those whose target groups and rules both fit. `current` keeps a tenant on its ALB when that has room.
 */
export function placeTenant(rows: readonly LimitRow[], current?: string): Placement | Refusal {
  for (const limit of ["rds-instances", "iam-roles"] as const) {
    const r = rows.find((x) => x.limit === limit);
    if (r !== undefined && r.tenantsLeft < 1) {
      return {
        ok: false,
        limit,
        message: `${limit}: ${r.used} of ${r.max} in use in the account; one more tenant would cross the quota`,
        fix: r.fix,
      };
    }
  }
  const albs = albIdsOf(rows);
  const open = openAlbs(rows);
  if (current !== undefined && open.includes(current)) return { ok: true, loadBalancer: current };
  const chosen = open[0];
  if (chosen !== undefined) return { ok: true, loadBalancer: chosen };
  const full = rows.find((r) => r.scope !== "account" && r.tenantsLeft < 1);
  return {
    ok: false,
    limit: full?.limit ?? "target-groups-per-alb",
    message: `${full?.limit ?? "target-groups-per-alb"}: every ALB is full (${albs.map((a) => `${a} ${rows.find((r) => r.scope === a)?.used ?? 0}/${rows.find((r) => r.scope === a)?.max ?? 0}`).join(", ") || "no ALB in the shared stack"})`,
    fix: full?.fix ?? "add an ALB shard: tenantctl shared up --config albCount=<n>",
  };
}

/** The limits in tenants that placement holds capacity seats against (cli/store/capacity-claims.ts). */
export function tenantLimits(quotas: Quotas): { readonly account: number; readonly perAlb: number } {
  return {
    account: Math.min(
      Math.floor(quotas.rdsInstances / PER_TENANT.rdsInstances),
      Math.floor(quotas.iamRoles / PER_TENANT.iamRoles),
    ),
    perAlb: Math.min(
      Math.floor(quotas.targetGroupsPerAlb / PER_TENANT.targetGroups),
      Math.floor(quotas.listenerRulesPerAlb / PER_TENANT.listenerRules),
    ),
  };
}
