/**
 * `tenantctl drift tenants`: a refresh preview of every selected tenant stack (each in a pooled worker process, one
 * operation per worker at a time, at most --concurrency workers), listing drifted tenants and resources. Nothing is written.
 * Exit codes: 0 no drift; 4 drift found (the recorded state conflicts with what is deployed); 1 some tenant could not
 * be checked (the document still lists what was found); 2/3/5 as everywhere.
 */
import { ConflictError, NotFoundError, OperationFailedError } from "../errors";
import type { Io, Reporter } from "../io";
import { checkSecretsProviderOption } from "../orchestration/prerequisites";
import { TENANTS_PROJECT } from "../orchestration/projects";
import { openEngineSession, openRecordsSession } from "../orchestration/session";
import { listIndex } from "../store/tenant-index";
import { checkEnv, envOrDefault } from "../env-input";
import { boundedEach } from "../fleet/concurrency";
import { describePoolEvent, WorkerPool } from "../fleet/worker-pool";
import { parseSelectors, selectTenants } from "../fleet/selection";
import { parseConcurrency, parseOperationTimeout, parseStagger } from "../fleet/upgrade-input";
import type { DriftedResource } from "../fleet/worker-protocol";

export interface DriftFlags {
  readonly env?: string;
  readonly concurrency?: string;
  readonly stagger?: string;
  readonly timeout?: string;
  readonly select?: string[];
  readonly verbose?: boolean;
  readonly json?: boolean;
  readonly secretsProvider?: string;
}

interface TenantDrift {
  readonly slug: string;
  readonly status: "clean" | "drifted" | "error";
  readonly resources: readonly DriftedResource[];
  readonly error: string | null;
  /** For a drifted tenant: the command that undoes its drift (a refresh, then the program's intent applied). */
  readonly fix: string | null;
}

/** Without --refresh an update compares the program with the recorded state only, sees no change and leaves the drift. */
export function driftFix(slug: string, env: string): string {
  return `tenantctl update tenant ${slug} --env ${env} --refresh --yes`;
}

export async function driftAction(io: Io, reporter: Reporter, flags: DriftFlags): Promise<void> {
  const env = envOrDefault(flags.env, io.env);
  checkEnv(env);
  const concurrency = parseConcurrency(flags.concurrency);
  const staggerMs = parseStagger(flags.stagger);
  const timeoutMs = parseOperationTimeout(flags.timeout);
  const selectors = parseSelectors(flags.select ?? []);
  const secretsProvider = checkSecretsProviderOption(flags.secretsProvider);
  const records = openRecordsSession(io);
  const entries = (await listIndex(records.store, TENANTS_PROJECT)).filter((e) => e.env === env);
  const selection = selectTenants(
    entries.map((e) => ({
      slug: e.slug,
      tier: e.tier,
      loadBalancer: e.spec.loadBalancer,
      pinnedImage: e.spec.pinnedImage,
    })),
    selectors,
    true,
  );
  if (selection.unknownSlugs.length > 0)
    throw new NotFoundError(
      `--select names tenant(s) that do not exist in env ${env}: ${selection.unknownSlugs.join(", ")}`,
    );
  await openEngineSession(io, { secretsProvider, installPulumi: false });
  const results: TenantDrift[] = [];
  reporter.info(`checking ${selection.selected.length} tenant(s) of ${env} for drift, ${concurrency} at a time`);
  const verbose = flags.verbose ?? false;
  const pool = new WorkerPool({
    io,
    size: concurrency,
    operationTimeoutMs: timeoutMs,
    onEvent: verbose ? (e) => reporter.info(describePoolEvent(e)) : undefined,
  });
  try {
    await boundedEach(
      selection.selected,
      concurrency,
      async ({ slug }) => {
        const result = await pool.run(
          {
            kind: "drift",
            env,
            slug,
            secretsProvider,
            retry: `tenantctl drift tenants --env ${env} --select slug=${slug}`,
          },
          verbose ? { onLine: (line: string) => reporter.info(`[${slug}] ${line}`) } : {},
        );
        if (!result.ok || result.value.kind !== "drift") {
          const error = result.ok ? `unexpected ${result.value.kind} result` : result.error;
          results.push({ slug, status: "error", resources: [], error, fix: null });
          reporter.info(`  ${slug}: could not check: ${error}`);
          return;
        }
        const resources = result.value.drifted;
        results.push({
          slug,
          status: resources.length > 0 ? "drifted" : "clean",
          resources,
          error: null,
          fix: resources.length > 0 ? driftFix(slug, env) : null,
        });
        reporter.info(`  ${slug}: ${resources.length > 0 ? `DRIFTED (${resources.length} resource(s))` : "no drift"}`);
      },
      () => true,
      { staggerMs },
    );
  } finally {
    await pool.close();
  }
  results.sort((a, b) => a.slug.localeCompare(b.slug));
  const drifted = results.filter((r) => r.status === "drifted");
  const errors = results.filter((r) => r.status === "error");
  const document = { env, checked: results.length, drifted: drifted.length, errors: errors.length, tenants: results };
  reporter.result(document, (out) => {
    out(
      `${results.length} tenant(s) checked in ${env}: ${drifted.length} drifted, ${errors.length} could not be checked`,
    );
    for (const r of drifted) {
      out(`  ${r.slug}:`);
      for (const res of r.resources)
        out(`    ${res.op} ${res.type} ${res.name}${res.keys.length > 0 ? ` (${res.keys.join(", ")})` : ""}`);
      out(`    fix: ${r.fix ?? driftFix(r.slug, env)}`);
    }
    for (const r of errors) out(`  ${r.slug}: error: ${r.error ?? "unknown"}`);
  });
  if (errors.length > 0) {
    throw new OperationFailedError(
      `${errors.length} tenant(s) could not be checked for drift (${errors.map((r) => r.slug).join(", ")})`,
      { resultPrinted: true },
    );
  }
  if (drifted.length > 0) {
    throw new ConflictError(`drift found in ${drifted.length} tenant(s): ${drifted.map((r) => r.slug).join(", ")}`, {
      hint: `to undo it, run each drifted tenant's fix: ${driftFix("<slug>", env)}`,
      resultPrinted: true,
    });
  }
}
