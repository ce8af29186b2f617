/**
 * `upgrade tenants --join <id>`: this process becomes one runner of a distributed rollout. Prerequisites (pulumi,
 * passphrase, shared stack) are checked before any claim; tenants are upgraded by the same isolated worker pool as a
 * one-machine rollout (one stack operation per worker process). Exit 0 when the rollout is complete with no
 * failure; 1 when it halted, has failures, or this runner was interrupted (the others carry on).
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { NotFoundError, OperationFailedError } from "../../errors";
import type { Io, Reporter } from "../../io";
import { TENANTS_PROJECT } from "../../orchestration/projects";
import { openEngineSession, openRecordsSession } from "../../orchestration/session";
import { readSharedOutputs } from "../../orchestration/shared-stack";
import { listIndex } from "../../store/tenant-index";
import { tenantTarget } from "../../orchestration/tenant-stack";
import { checkEnv, envOrDefault } from "../../env-input";
import { checkSecretsProviderOption } from "../../orchestration/prerequisites";
import { LatestWriter } from "../concurrency";
import { checkHealth } from "../health";
import { describePoolEvent, WorkerPool } from "../worker-pool";
import { renderRollout, rolloutDocument } from "../rollout-report";
import { saveRollout } from "../../store/rollout-store";
import { parseConcurrency, parseOperationTimeout, parseStagger } from "../upgrade-input";
import { fleetResumeCommand, joinCommand } from "./fleet-input";
import type { FleetFlags } from "./fleet-input";
import { FleetRecords } from "./fleet-records";
import { readOutcomes, summaryState } from "./fleet-summary";
import { failureCount } from "./fleet-view";
import { runRunner, type TenantResult } from "./runner";
import { clearExpiredHoldersLock, pulumiFolder } from "./stack-lock-clear";

/** How often a runner refreshes the rollout's summary record at most. */
const SUMMARY_EVERY_MS = 10_000;

function runnerId(): string {
  return `${hostname()
    .replace(/[^A-Za-z0-9._-]/g, "-")
    .slice(0, 40)}-${process.pid}-${randomBytes(3).toString("hex")}`;
}

export async function joinAction(
  io: Io,
  reporter: Reporter,
  flags: FleetFlags,
  mode: { id: string; leaseMs: number },
): Promise<void> {
  const env = envOrDefault(flags.env, io.env);
  checkEnv(env);
  const concurrency = parseConcurrency(flags.concurrency);
  const staggerMs = parseStagger(flags.stagger);
  const timeoutMs = parseOperationTimeout(flags.timeout);
  const secretsProvider = checkSecretsProviderOption(flags.secretsProvider);
  const verbose = flags.verbose ?? false;

  const records = openRecordsSession(io);
  const fleet = new FleetRecords(records.store, env, mode.id);
  const plan = await fleet.readPlan();
  if (plan === undefined) {
    throw new NotFoundError(`no distributed rollout ${mode.id} in env ${env}`, {
      hint: `create one with: tenantctl upgrade tenants --env ${env} --image <ref> --detach`,
    });
  }
  const session = await openEngineSession(io, { secretsProvider, installPulumi: false });
  const shared = await readSharedOutputs(session, env);
  const urls = new Map(
    (await listIndex(records.store, TENANTS_PROJECT)).filter((e) => e.env === env).map((e) => [e.slug, e.url]),
  );
  const locks = pulumiFolder(records.backend);
  const id = runnerId();
  const owner = { host: hostname(), pid: process.pid };
  reporter.info(
    `runner ${id} joins rollout ${plan.id}: ${plan.options.image}, ${concurrency} at a time, lease ${mode.leaseMs / 1000}s`,
  );

  let stop = false;
  const unsubscribe = io.onInterrupt(() => {
    stop = true;
    reporter.info(
      `stopping this runner: its tenants in flight finish, it claims no more; the other runners carry on (rejoin with: ${joinCommand(env, plan.id)})`,
    );
  });
  const summaries = new LatestWriter(async (state: ReturnType<typeof summaryState>) =>
    saveRollout(records.store, state),
  );
  let lastSummary = 0;
  const pool = new WorkerPool({
    io,
    size: concurrency,
    operationTimeoutMs: timeoutMs,
    onEvent: verbose ? (e) => reporter.info(describePoolEvent(e)) : undefined,
  });
  let summary;
  try {
    summary = await runRunner({
      records: fleet,
      plan,
      runner: id,
      host: owner.host,
      pid: owner.pid,
      concurrency,
      staggerMs,
      ttlMs: mode.leaseMs,
      pollMs: Math.min(2000, Math.max(200, Math.floor(mode.leaseMs / 8))),
      now: () => io.now(),
      log: (line) => reporter.info(line),
      stopRequested: () => stop,
      upgrade: async (slug, _lease, epoch): Promise<TenantResult> => {
        const result = await pool.run(
          {
            kind: "upgrade",
            env,
            slug,
            image: plan.options.image,
            includePinned: plan.options.includePinned,
            shared,
            secretsProvider,
            retry: joinCommand(env, plan.id),
          },
          verbose ? { onLine: (line: string) => reporter.info(`[${slug}] ${line}`) } : {},
        );
        if (!result.ok) return { status: "failed", error: result.error, exitCode: result.exitCode };
        if (result.value.kind !== "upgrade")
          return { status: "failed", error: `unexpected ${result.value.kind} result` };
        const previousImage = result.value.previousImage;
        if (result.value.pinned) return { status: "skipped", error: `pinned to ${previousImage}`, previousImage };
        if (epoch.health === "none") return { status: "upgraded", previousImage };
        const problem = await checkHealth({ slug, env, url: result.value.url ?? urls.get(slug) }, epoch.healthUrl);
        return problem === undefined
          ? { status: "upgraded", previousImage }
          : { status: "unhealthy", error: problem, previousImage };
      },
      takeOver: async (slug, expired) => {
        if (locks === undefined) return "clear";
        return clearExpiredHoldersLock(locks, tenantTarget(slug, env), expired, (lock) =>
          reporter.info(
            `  ${slug}: removed the stack lock ${lock.key} left by runner ${expired.runner} (pid ${lock.content.pid ?? "?"} on ${lock.content.hostname ?? "?"}, lease expired)`,
          ),
        );
      },
      onProgress: (facts, holding) => {
        if (io.now().getTime() - lastSummary < SUMMARY_EVERY_MS) return;
        lastSummary = io.now().getTime();
        summaries.request(summaryState(facts, { leased: holding, outcomes: new Map(), owner, at: io.now() }));
      },
    });
  } finally {
    unsubscribe();
    await pool.close();
    await summaries.flush().catch(() => undefined);
  }
  const final = summaryState(summary.facts, {
    leased: new Set(),
    outcomes: await readOutcomes(fleet, summary.facts),
    owner,
    at: io.now(),
  });
  await saveRollout(records.store, final);
  const runner = { id, stopped: summary.stopped, finished: summary.finished, tookOver: summary.tookOver };
  reporter.result(
    {
      ...rolloutDocument(final),
      epoch: summary.facts.epoch.epoch,
      runner,
      resume:
        final.status === "completed" && failureCount(summary.facts) === 0 ? null : fleetResumeCommand(env, plan.id),
    },
    (out) => {
      renderRollout(final, false, out);
      out(
        `  this runner (${id}): ${summary.finished} tenant(s) finished, ${summary.tookOver} taken over, stopped: ${summary.stopped}`,
      );
    },
  );
  const failures = failureCount(summary.facts);
  if (summary.stopped === "interrupted") {
    throw new OperationFailedError(`runner ${id} interrupted; rollout ${plan.id} goes on with its other runners`, {
      hint: `rejoin with: ${joinCommand(env, plan.id)}`,
      resultPrinted: true,
    });
  }
  if (final.status !== "completed" || failures > 0) {
    throw new OperationFailedError(
      `rollout ${plan.id} ${final.status}: ${failures} failure(s)${final.haltReason === undefined ? "" : ` (${final.haltReason})`}`,
      {
        hint: `fix the cause, then: ${fleetResumeCommand(env, plan.id)} and start runners again with: ${joinCommand(env, plan.id)}`,
        resultPrinted: true,
      },
    );
  }
}
