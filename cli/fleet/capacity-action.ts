/**
 * `tenantctl capacity`: how close the fleet is to each AWS limit that caps tenants, per account and per ALB, and where
 * the next tenant would go. Quotas are AWS's defaults unless configured (TENANTCTL_QUOTA_* or the flags), since
 * reading them from Service Quotas needs credentials this version does not use.
 */
import type { Io, Reporter } from "../io";
import { checkSecretsProviderOption } from "../orchestration/prerequisites";
import { openEngineSession } from "../orchestration/session";
import { readSharedOutputs } from "../orchestration/shared-stack";
import { checkEnv, envOrDefault } from "../tenant-input";
import { UsageError } from "../errors";
import { capacityReport } from "./capacity";
import type { Quotas } from "./capacity-math";

export interface CapacityFlags {
  readonly env?: string;
  readonly rdsQuota?: string;
  readonly iamRoleQuota?: string;
  readonly json?: boolean;
  readonly secretsProvider?: string;
}

function quota(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d{1,6}$/.test(raw.trim())) throw new UsageError(`${flag} "${raw}" is not a quota (allowed: a whole number, e.g. 40)`);
  return Number(raw.trim());
}

export async function capacityAction(io: Io, reporter: Reporter, flags: CapacityFlags): Promise<void> {
  const env = envOrDefault(flags.env, io.env);
  await checkEnv(env);
  const rds = quota("--rds-quota", flags.rdsQuota);
  const iam = quota("--iam-role-quota", flags.iamRoleQuota);
  const overrides: Partial<Quotas> = { ...(rds === undefined ? {} : { rdsInstances: rds }), ...(iam === undefined ? {} : { iamRoles: iam }) };
  const secretsProvider = checkSecretsProviderOption(flags.secretsProvider);
  const { quotasFromEnv } = await import("./capacity-math");
  quotasFromEnv(io.env, overrides);
  const session = await openEngineSession(io, { secretsProvider, installPulumi: false });
  const shared = await readSharedOutputs(session, env);
  const report = await capacityReport(session.store, env, shared, io.env, overrides);
  reporter.result(report, (out) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Table = require("cli-table3") as typeof import("cli-table3");
    const table = new Table({ head: ["limit", "scope", "used", "max", "tenants left", "adjustable"], style: { head: [], border: [] } });
    for (const r of report.rows) table.push([r.limit, r.scope, r.used, r.max, r.tenantsLeft, r.adjustable ? "yes" : "no (hard)"]);
    out(table.toString());
    out(`listener priorities claimed: ${Object.entries(report.counts.prioritiesPerAlb).map(([alb, n]) => `${alb} ${n}`).join(", ") || "none"}`);
    if ("loadBalancer" in report.next) out(`the next tenant of ${env} goes on ${report.next.loadBalancer}`);
    else out(`the next tenant of ${env} would be REFUSED: ${report.next.refused}\n  fix: ${report.next.fix}`);
  });
}
