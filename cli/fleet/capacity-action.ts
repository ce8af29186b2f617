/**
 * `tenantctl capacity`: how close the fleet is to each AWS limit that caps tenants, per account and per ALB, and where
 * the next tenant would go. Each quota comes from, in order: the flag, TENANTCTL_QUOTA_*, the account's value in
 * AWS Service Quotas (read when credentials are configured; cached in the backend for provision and restore), AWS's
 * default. The report says which, per limit.
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

/** Where the report's Service Quotas values came from: read now, the backend's cache, or nowhere. */
export interface QuotaRead {
  readonly status: "read" | "cached" | "not-needed" | "unavailable";
  readonly fetchedAt?: string;
  readonly reason?: string;
}

export async function capacityAction(io: Io, reporter: Reporter, flags: CapacityFlags): Promise<void> {
  const env = envOrDefault(flags.env, io.env);
  await checkEnv(env);
  const rds = quota("--rds-quota", flags.rdsQuota);
  const iam = quota("--iam-role-quota", flags.iamRoleQuota);
  const overrides: Partial<Quotas> = { ...(rds === undefined ? {} : { rdsInstances: rds }), ...(iam === undefined ? {} : { iamRoles: iam }) };
  const secretsProvider = checkSecretsProviderOption(flags.secretsProvider);
  const { resolveQuotas } = await import("./capacity-math");
  const unset = Object.values(resolveQuotas(io.env, overrides).sources).some((s) => s === "default");
  const session = await openEngineSession(io, { secretsProvider, installPulumi: false });
  const shared = await readSharedOutputs(session, env);
  const { credentialsPlausible, readCachedQuotas, readServiceQuotas, writeCachedQuotas } = await import("./service-quotas");
  let fromServiceQuotas: Partial<Quotas> = {};
  let read: QuotaRead = { status: "not-needed" };
  if (unset) {
    const attempt = credentialsPlausible(io.env)
      ? await readServiceQuotas(shared.region, io.now())
      : { ok: false as const, reason: "no AWS credentials are configured (AWS_ACCESS_KEY_ID, AWS_PROFILE, ~/.aws/…)" };
    if (attempt.ok) {
      fromServiceQuotas = attempt.values;
      read = { status: "read", fetchedAt: attempt.fetchedAt };
      await writeCachedQuotas(session.store, { region: shared.region, fetchedAt: attempt.fetchedAt, values: attempt.values });
    } else {
      const cached = await readCachedQuotas(session.store, shared.region);
      fromServiceQuotas = cached?.values ?? {};
      read = cached === undefined ? { status: "unavailable", reason: attempt.reason } : { status: "cached", fetchedAt: cached.fetchedAt, reason: attempt.reason };
      const fallback = cached === undefined ? "using TENANTCTL_QUOTA_* or AWS's defaults" : `using the values read at ${cached.fetchedAt}`;
      io.stderr.write(`warning: quotas not read from Service Quotas in ${shared.region}: ${attempt.reason}; ${fallback}\n`);
    }
  }
  const report = { ...(await capacityReport(session.store, env, shared, resolveQuotas(io.env, overrides, fromServiceQuotas))), serviceQuotas: read };
  reporter.result(report, (out) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Table = require("cli-table3") as typeof import("cli-table3");
    const table = new Table({ head: ["limit", "scope", "used", "max", "source", "tenants left", "adjustable"], style: { head: [], border: [] } });
    for (const r of report.rows) table.push([r.limit, r.scope, r.used, r.max, r.source, r.tenantsLeft, r.adjustable ? "yes" : "no (hard)"]);
    out(table.toString());
    out(`listener priorities claimed: ${Object.entries(report.counts.prioritiesPerAlb).map(([alb, n]) => `${alb} ${n}`).join(", ") || "none"}`);
    if (read.fetchedAt !== undefined) out(`service-quotas values ${read.status === "read" ? "read now" : "cached"} (${read.fetchedAt}); provision and restore use them until the next capacity run`);
    if ("loadBalancer" in report.next) out(`the next tenant of ${env} goes on ${report.next.loadBalancer}`);
    else out(`the next tenant of ${env} would be REFUSED: ${report.next.refused}\n  fix: ${report.next.fix}`);
  });
}
