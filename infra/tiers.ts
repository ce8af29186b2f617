// The tier table: every size a tenant can have, in one place, so programs, the CLI and the docs never disagree.

export const TIER_NAMES = ["basic", "standard", "premium", "preview"] as const;
export type TierName = (typeof TIER_NAMES)[number];

export interface Tier {
  /** Fargate task CPU units (1024 = 1 vCPU); must be a valid Fargate cpu/memory pair with `memoryMiB`. */
  readonly cpu: number;
  /** Fargate task memory in MiB. */
  readonly memoryMiB: number;
  /** Running tasks of the tenant's service. */
  readonly desiredCount: number;
  readonly dbInstanceClass: string;
  /** Allocated gp3 storage; RDS gp3 needs at least 20 GiB. */
  readonly storageGiB: number;
  /** Storage autoscaling ceiling, so a full disk grows instead of taking the tenant down. */
  readonly maxStorageGiB: number;
  readonly multiAz: boolean;
  /** RDS automated backup retention; 0 turns automated backups off. */
  readonly backupRetentionDays: number;
}

export const TIERS: Readonly<Record<TierName, Tier>> = {
  basic: {
    cpu: 256,
    memoryMiB: 512,
    desiredCount: 1,
    dbInstanceClass: "db.t4g.micro",
    storageGiB: 20,
    maxStorageGiB: 100,
    multiAz: false,
    backupRetentionDays: 7,
  },
  standard: {
    cpu: 512,
    memoryMiB: 1024,
    desiredCount: 2,
    dbInstanceClass: "db.t4g.small",
    storageGiB: 50,
    maxStorageGiB: 250,
    multiAz: false,
    backupRetentionDays: 14,
  },
  premium: {
    cpu: 1024,
    memoryMiB: 2048,
    desiredCount: 3,
    dbInstanceClass: "db.m7g.large",
    storageGiB: 100,
    maxStorageGiB: 1000,
    multiAz: true,
    backupRetentionDays: 35,
  },
  // Previews live for days and are rebuilt from a branch, so automated backups would only slow their creation.
  preview: {
    cpu: 256,
    memoryMiB: 512,
    desiredCount: 1,
    dbInstanceClass: "db.t4g.micro",
    storageGiB: 20,
    maxStorageGiB: 20,
    multiAz: false,
    backupRetentionDays: 0,
  },
};

/**
 * On-demand list prices, us-east-1, Linux/x86 Fargate, RDS for PostgreSQL single-AZ, 730 hours a month.
 * Multi-AZ doubles instance and storage prices. Not included: data transfer, CloudWatch Logs ingestion,
 * backup storage beyond the free allowance (equal to the DB size), the shared ALB/NAT/VPC (see docs/infra.md).
 */
export const PRICE_ASSUMPTIONS = {
  region: "us-east-1",
  hoursPerMonth: 730,
  fargateVcpuHour: 0.04048,
  fargateGbHour: 0.004445,
  rdsInstanceHour: {
    "db.t4g.micro": 0.016,
    "db.t4g.small": 0.032,
    "db.m7g.large": 0.168,
  } as Readonly<Record<string, number>>,
  rdsGp3GbMonth: 0.115,
  /**
   * Three secrets per tenant: the RDS-managed master secret, the admin token and the app's database login; a tenant
   * born in the warm pool has a fourth, its identity (infra/tenant/identity.ts).
   */
  secretMonth: 0.4,
  secretsPerTenant: 3,
} as const;

export interface CostBreakdown {
  readonly computeUsd: number;
  readonly databaseUsd: number;
  readonly storageUsd: number;
  readonly secretsUsd: number;
  readonly totalUsd: number;
}

const cents = (usd: number): number => Math.round(usd * 100) / 100;

export interface CostOptions {
  /** The tenant reads its identity from a secret at run time (pool-born, spec.tenantId set): one secret more. */
  readonly identitySecret?: boolean;
}

export function costBreakdown(tier: TierName, options: CostOptions = {}): CostBreakdown {
  const t = TIERS[tier];
  const p = PRICE_ASSUMPTIONS;
  const instanceHour = p.rdsInstanceHour[t.dbInstanceClass];
  if (instanceHour === undefined) {
    throw new Error(`tiers: no price assumption for ${t.dbInstanceClass}; add it to PRICE_ASSUMPTIONS`);
  }
  const azFactor = t.multiAz ? 2 : 1;
  const perTask = ((t.cpu / 1024) * p.fargateVcpuHour + (t.memoryMiB / 1024) * p.fargateGbHour) * p.hoursPerMonth;
  const computeUsd = perTask * t.desiredCount;
  const databaseUsd = instanceHour * p.hoursPerMonth * azFactor;
  const storageUsd = t.storageGiB * p.rdsGp3GbMonth * azFactor;
  const secretsUsd = p.secretMonth * (p.secretsPerTenant + (options.identitySecret === true ? 1 : 0));
  return {
    computeUsd: cents(computeUsd),
    databaseUsd: cents(databaseUsd),
    storageUsd: cents(storageUsd),
    secretsUsd: cents(secretsUsd),
    totalUsd: cents(computeUsd + databaseUsd + storageUsd + secretsUsd),
  };
}

/** Estimated monthly cost of one tenant of this tier in USD, under PRICE_ASSUMPTIONS. */
export function monthlyCostUsd(tier: TierName): number {
  return costBreakdown(tier).totalUsd;
}

/** Fargate's allowed memory (MiB) per cpu value, for the table's sanity check. */
export const FARGATE_MEMORY_BY_CPU: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: [1024, 2048, 3072, 4096],
  1024: [2048, 3072, 4096, 5120, 6144, 7168, 8192],
  2048: Array.from({ length: 13 }, (_, i) => 4096 + i * 1024),
  4096: Array.from({ length: 23 }, (_, i) => 8192 + i * 1024),
};

export function isTierName(value: string): value is TierName {
  return (TIER_NAMES as readonly string[]).includes(value);
}
