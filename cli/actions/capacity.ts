/**
 * `tenantctl capacity`: how close the fleet is to each AWS limit that caps tenants, per account and per ALB, and where
 * the next tenant would go. Each quota comes from, in order: the flag, TENANTCTL_QUOTA_*, the account's value in
 * AWS Service Quotas (read when credentials are configured; cached in the backend for provision and restore), AWS's
 * default. The report says which, per limit.
 */
import type { Io, Reporter } from "../io";
import type { BackendLocation } from "../store/backend";
import type { RecordStore } from "../store/records";
import type { StaleSeat } from "../capacity/reconcile";
import { checkSecretsProviderOption } from "../orchestration/prerequisites";
import { openEngineSession } from "../orchestration/session";
import { readSharedOutputs } from "../orchestration/shared-stack";
import { checkEnv, envOrDefault } from "../env-input";
import { UsageError } from "../errors";
import { renderTable } from "../table";
import { capacityReport } from "../capacity/placement";
import type { Quotas } from "../capacity/capacity-math";
import { RECONCILE_GRACE_MS, releaseStaleSeats, staleSeats } from "../capacity/reconcile";
import { confirmYesNo } from "../prompt";
import { resolveQuotas } from "../capacity/capacity-math";
import {
  credentialsPlausible,
  readCachedQuotas,
  readServiceQuotas,
  writeCachedQuotas,
} from "../capacity/service-quotas";

export interface CapacityFlags {
  readonly env?: string;
  readonly rdsQuota?: string;
  readonly iamRoleQuota?: string;
  readonly json?: boolean;
  readonly secretsProvider?: string;
  readonly reconcile?: boolean;
  readonly yes?: boolean;
}

function quota(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d{1,6}$/.test(raw.trim()))
    throw new UsageError(`${flag} "${raw}" is not a quota (allowed: a whole number, e.g. 40)`);
  return Number(raw.trim());
}

/** Where the report's Service Quotas values came from: read now, the backend's cache, or nowhere. */
export interface QuotaRead {
  readonly status: "read" | "cached" | "not-needed" | "unavailable";
  readonly fetchedAt?: string;
  readonly reason?: string;
}

/** What --reconcile found and whether it released it (a declined prompt releases nothing). */
export interface Reconciled {
  readonly seats: readonly StaleSeat[];
  readonly applied: boolean;
  readonly graceMinutes: number;
}

async function reconcileSeats(io: Io, store: RecordStore, backend: BackendLocation, yes: boolean): Promise<Reconciled> {
  const graceMinutes = RECONCILE_GRACE_MS / 60_000;
  const seats = await staleSeats(store, backend, io.now());
  if (seats.length === 0) return { seats, applied: false, graceMinutes };
  for (const s of seats)
    io.stderr.write(
      `seat without a stack: ${s.pool} seat ${s.seat ?? "?"} of ${s.project}/${s.stack}, claimed ${s.claimedAt}\n`,
    );
  if (!(await confirmYesNo(io, `Release these ${seats.length} seat(s)?`, yes)))
    return { seats, applied: false, graceMinutes };
  await releaseStaleSeats(store, seats);
  return { seats, applied: true, graceMinutes };
}

export async function capacityAction(io: Io, reporter: Reporter, flags: CapacityFlags): Promise<void> {
  const env = envOrDefault(flags.env, io.env);
  checkEnv(env);
  const rds = quota("--rds-quota", flags.rdsQuota);
  const iam = quota("--iam-role-quota", flags.iamRoleQuota);
  const overrides: Partial<Quotas> = {
    ...(rds === undefined ? {} : { rdsInstances: rds }),
    ...(iam === undefined ? {} : { iamRoles: iam }),
  };
  const secretsProvider = checkSecretsProviderOption(flags.secretsProvider);
  const reconcile = flags.reconcile ?? false;
  if (reconcile && !(flags.yes ?? false) && !io.interactive) {
    throw new UsageError(
      `capacity --reconcile of env ${env} needs confirmation, and there is no terminal to ask on (allowed: tenantctl capacity --env ${env} --reconcile --yes)`,
    );
  }
  const unset = Object.values(resolveQuotas(io.env, overrides).sources).some((s) => s === "default");
  const session = await openEngineSession(io, { secretsProvider, installPulumi: false });
  const shared = await readSharedOutputs(session, env);
  const reconciled = reconcile ? await reconcileSeats(io, session.store, session.backend, flags.yes ?? false) : null;
  let fromServiceQuotas: Partial<Quotas> = {};
  let read: QuotaRead = { status: "not-needed" };
  if (unset) {
    const attempt = credentialsPlausible(io.env)
      ? await readServiceQuotas(shared.region, io.now())
      : { ok: false as const, reason: "no AWS credentials are configured (AWS_ACCESS_KEY_ID, AWS_PROFILE, ~/.aws/…)" };
    if (attempt.ok) {
      fromServiceQuotas = attempt.values;
      read = { status: "read", fetchedAt: attempt.fetchedAt };
      await writeCachedQuotas(session.store, {
        region: shared.region,
        fetchedAt: attempt.fetchedAt,
        values: attempt.values,
      });
    } else {
      const cached = await readCachedQuotas(session.store, shared.region);
      fromServiceQuotas = cached?.values ?? {};
      read =
        cached === undefined
          ? { status: "unavailable", reason: attempt.reason }
          : { status: "cached", fetchedAt: cached.fetchedAt, reason: attempt.reason };
      const fallback =
        cached === undefined
          ? "using TENANTCTL_QUOTA_* or AWS's defaults"
          : `using the values read at ${cached.fetchedAt}`;
      io.stderr.write(
        `warning: quotas not read from Service Quotas in ${shared.region}: ${attempt.reason}; ${fallback}\n`,
      );
    }
  }
  const report = {
    ...(await capacityReport(session.store, env, shared, resolveQuotas(io.env, overrides, fromServiceQuotas))),
    serviceQuotas: read,
    reconciled,
  };
  reporter.result(report, (out) => {
    const head = ["limit", "scope", "used", "max", "source", "tenants left", "adjustable"];
    const table = renderTable(
      head,
      report.rows.map((r) => [
        r.limit,
        r.scope,
        String(r.used),
        String(r.max),
        r.source,
        String(r.tenantsLeft),
        r.adjustable ? "yes" : "no (hard)",
      ]),
    );
    if (reconciled !== null) {
      const verb = reconciled.applied ? "released" : "would release";
      if (reconciled.seats.length === 0)
        out(
          `reconciled: every seat belongs to a stack that exists (or was claimed within the last ${reconciled.graceMinutes} minutes)`,
        );
      for (const s of reconciled.seats)
        out(
          `reconciled: ${verb} ${s.pool} seat ${s.seat ?? "?"} of ${s.project}/${s.stack} (claimed ${s.claimedAt}; the stack does not exist)`,
        );
    }
    out(table);
    out(
      `listener priorities claimed: ${
        Object.entries(report.counts.prioritiesPerAlb)
          .map(([alb, n]) => `${alb} ${n}`)
          .join(", ") || "none"
      }`,
    );
    if (read.fetchedAt !== undefined)
      out(
        `service-quotas values ${read.status === "read" ? "read now" : "cached"} (${read.fetchedAt}); provision and restore use them until the next capacity run`,
      );
    if ("loadBalancer" in report.next) out(`the next tenant of ${env} goes on ${report.next.loadBalancer}`);
    else out(`the next tenant of ${env} would be REFUSED: ${report.next.refused}\n  fix: ${report.next.fix}`);
  });
}
