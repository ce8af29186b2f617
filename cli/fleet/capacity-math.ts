/**
 * Capacity maths: how much of each AWS limit that caps tenants (../../shared/AWS-LIMITS.md) the fleet uses, where
 * the next tenant goes, and which limit refuses it. Pure: counts in, report out (test/fleet/capacity-math.test.ts).
 */
import { UsageError } from "../errors";

/** What one tenant (or preview) stack consumes. */
export const PER_TENANT = { rdsInstances: 1, iamRoles: 2, targetGroups: 1, listenerRules: 1 } as const;
/** AWS's hard cap: target groups per ALB cannot be raised. */
export const TARGET_GROUPS_PER_ALB_HARD_CAP = 100;

export interface Quotas {
  readonly rdsInstances: number;
  readonly iamRoles: number;
  /** ≤ 100; lower it to keep headroom (or to reach the cap in tests). */
  readonly targetGroupsPerAlb: number;
  readonly listenerRulesPerAlb: number;
}

export const DEFAULT_QUOTAS: Quotas = { rdsInstances: 40, iamRoles: 1000, targetGroupsPerAlb: 100, listenerRulesPerAlb: 100 };

export const QUOTA_ENV: Readonly<Record<keyof Quotas, string>> = {
  rdsInstances: "TENANTCTL_QUOTA_RDS_INSTANCES",
  iamRoles: "TENANTCTL_QUOTA_IAM_ROLES",
  targetGroupsPerAlb: "TENANTCTL_QUOTA_TARGET_GROUPS_PER_ALB",
  listenerRulesPerAlb: "TENANTCTL_QUOTA_LISTENER_RULES_PER_ALB",
};

/** Quotas from TENANTCTL_QUOTA_* (the account's real values, when raised), over the defaults. */
export function quotasFromEnv(env: NodeJS.ProcessEnv, overrides: Partial<Quotas> = {}): Quotas {
  const read = (key: keyof Quotas): number => {
    const given = overrides[key];
    if (given !== undefined) return given;
    const raw = env[QUOTA_ENV[key]];
    if (raw === undefined || raw === "") return DEFAULT_QUOTAS[key];
    if (!/^\d{1,6}$/.test(raw.trim())) throw new UsageError(`${QUOTA_ENV[key]}="${raw}" is not a quota (allowed: a whole number, e.g. ${DEFAULT_QUOTAS[key]})`);
    return Number(raw.trim());
  };
  const quotas = { rdsInstances: read("rdsInstances"), iamRoles: read("iamRoles"), targetGroupsPerAlb: read("targetGroupsPerAlb"), listenerRulesPerAlb: read("listenerRulesPerAlb") };
  if (quotas.targetGroupsPerAlb > TARGET_GROUPS_PER_ALB_HARD_CAP) {
    throw new UsageError(`target groups per ALB cannot exceed ${TARGET_GROUPS_PER_ALB_HARD_CAP} (AWS's hard limit; got ${quotas.targetGroupsPerAlb})`);
  }
  return quotas;
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
}

function row(limit: LimitRow["limit"], scope: string, used: number, max: number, per: number, adjustable: boolean, fix: string): LimitRow {
  return { limit, scope, used, max, adjustable, tenantsLeft: Math.max(0, Math.floor((max - used) / per)), fix };
}

export function capacityRows(counts: FleetCounts, quotas: Quotas, env: string): LimitRow[] {
  const albCount = Object.keys(counts.stacksPerAlb).length;
  const shard = `add an ALB shard: tenantctl shared up --env ${env} --config albCount=${albCount + 1}`;
  const rows = [
    row("rds-instances", "account", counts.stacksInAccount * PER_TENANT.rdsInstances, quotas.rdsInstances, PER_TENANT.rdsInstances, true,
      `raise the RDS "DB instances" quota in Service Quotas, then set ${QUOTA_ENV.rdsInstances} to the new value`),
    row("iam-roles", "account", counts.stacksInAccount * PER_TENANT.iamRoles, quotas.iamRoles, PER_TENANT.iamRoles, true,
      `raise the IAM "Roles per account" quota (max 5,000), then set ${QUOTA_ENV.iamRoles} to the new value`),
  ];
  for (const [alb, stacks] of Object.entries(counts.stacksPerAlb).sort(([a], [b]) => a.localeCompare(b))) {
    rows.push(row("target-groups-per-alb", alb, stacks * PER_TENANT.targetGroups, quotas.targetGroupsPerAlb, PER_TENANT.targetGroups, false, shard));
    const rules = Math.max(stacks, counts.prioritiesPerAlb[alb] ?? 0);
    rows.push(row("listener-rules-per-alb", alb, rules * PER_TENANT.listenerRules, quotas.listenerRulesPerAlb, PER_TENANT.listenerRules, true,
      `raise "Rules per Application Load Balancer" in Service Quotas and set ${QUOTA_ENV.listenerRulesPerAlb}, or ${shard}`));
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

/**
 * Where one more tenant goes: the account-wide limits must have room, then the ALB with the most room (ties: lowest
 * id) among those whose target groups and rules both fit. `current` keeps a tenant on its ALB when that has room.
 */
export function placeTenant(rows: readonly LimitRow[], current?: string): Placement | Refusal {
  for (const limit of ["rds-instances", "iam-roles"] as const) {
    const r = rows.find((x) => x.limit === limit);
    if (r !== undefined && r.tenantsLeft < 1) {
      return { ok: false, limit, message: `${limit}: ${r.used} of ${r.max} in use in the account; one more tenant would cross the quota`, fix: r.fix };
    }
  }
  const albs = [...new Set(rows.filter((r) => r.scope !== "account").map((r) => r.scope))];
  const room = (alb: string): number => Math.min(...rows.filter((r) => r.scope === alb).map((r) => r.tenantsLeft));
  const open = albs.filter((alb) => room(alb) >= 1).sort((a, b) => room(b) - room(a) || a.localeCompare(b));
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
