/**
 * The actions of `preview list` (the preview index only: no pulumi CLI, no passphrase) and `preview gc`.
 */
import { CliError, UsageError } from "../errors";
import { renderTable } from "../table";
import type { Reporter } from "../io";
import type { CommandContext } from "../command-line";
import { checkSecretsProviderOption } from "../orchestration/prerequisites";
import { envOrDefault, checkEnv } from "../env-input";
import { keepBranchesFrom, previewNow } from "../preview/input";
import { relativeTime } from "../preview/markdown";
import { openRecordsSession, openEngineSession } from "../orchestration/session";
import { listPreviewEntries } from "../preview/records";
import { isExpired } from "../../infra/preview-naming";
import { gcExitCode, previewGc } from "../preview/gc";
import { confirmBySlug } from "../prompt";

export interface PreviewListFlags {
  readonly env?: string;
  readonly json?: boolean;
}

export interface PreviewGcFlags {
  readonly env?: string;
  readonly json?: boolean;
  readonly dryRun?: boolean;
  readonly keepBranches?: string;
  readonly yes?: boolean;
  readonly secretsProvider?: string;
  readonly installPulumi?: boolean;
}

export async function previewListAction(
  ctx: CommandContext,
  reporter: Reporter,
  flags: PreviewListFlags,
): Promise<void> {
  if (flags.env !== undefined) checkEnv(flags.env);
  const now = await previewNow(ctx.io);
  const session = openRecordsSession(ctx.io);
  const listed = (await listPreviewEntries(session.store)).filter(
    ({ entry }) => flags.env === undefined || entry.record.env === flags.env,
  );
  const rows = listed.map(({ entry, problem }) => ({
    branch: entry.record.branch,
    env: entry.record.env,
    stack: entry.record.stack,
    url: entry.url ?? null,
    image: entry.image,
    status: `${entry.lastOperation} ${entry.status}`,
    createdAt: entry.record.createdAt,
    ageHours: Math.floor((now.getTime() - Date.parse(entry.record.createdAt)) / 3_600_000),
    lastDeployedAt: entry.record.lastDeployedAt,
    expiresAt: entry.record.expiresAt,
    expired: problem === undefined ? isExpired(entry.record, now) : null,
    problem: problem ?? null,
  }));
  reporter.result({ backend: session.backend.url, now: now.toISOString(), previews: rows }, (out) => {
    if (rows.length === 0) {
      out(`no previews in ${session.backend.url}${flags.env === undefined ? "" : ` for env ${flags.env}`}`);
      return;
    }
    const cells = rows.map((r) => {
      const expires =
        r.problem !== null
          ? `invalid record: ${r.problem}`
          : `${r.expiresAt} (${r.expired === true ? "expired " : ""}${relativeTime(new Date(r.expiresAt), now)})`;
      return [
        r.branch,
        r.env,
        relativeTime(new Date(r.createdAt), now).replace(/ ago$/, ""),
        expires,
        r.url ?? "-",
        r.image,
        r.status,
      ];
    });
    out(renderTable(["branch", "env", "age", "expires", "url", "image", "status"], cells));
    out(`${rows.length} preview${rows.length === 1 ? "" : "s"}`);
  });
}

export async function previewGcAction(ctx: CommandContext, reporter: Reporter, flags: PreviewGcFlags): Promise<void> {
  const env = envOrDefault(flags.env, ctx.io.env);
  checkEnv(env);
  const keepBranches = await keepBranchesFrom(flags.keepBranches, ctx.io.cwd);
  const now = await previewNow(ctx.io);
  const secretsProvider = checkSecretsProviderOption(flags.secretsProvider);
  const dryRun = flags.dryRun ?? false;
  const retry = `tenantctl preview gc --env ${env}${flags.keepBranches === undefined ? "" : ` --keep-branches ${flags.keepBranches}`} --yes`;
  if (!dryRun && !(flags.yes ?? false) && !ctx.io.interactive) {
    throw new UsageError(
      `preview gc of env ${env} needs confirmation, and there is no terminal to ask on (allowed: ${retry}, or --dry-run)`,
    );
  }
  const session = await openEngineSession(ctx.io, { secretsProvider, installPulumi: flags.installPulumi ?? false });
  if (!dryRun && !(flags.yes ?? false)) {
    await confirmBySlug(ctx.io, {
      slug: env,
      what: `preview gc of env ${env}`,
      label: "env name",
      yes: false,
      command: retry.replace(/ --yes$/, ""),
      warning: `This destroys every expired preview of env ${env}${keepBranches === undefined ? "" : " and every preview whose branch is not in the keep list"}`,
    });
  }
  const result = await previewGc(session, { env, now, keepBranches, dryRun, retry });
  for (const s of result.skipped) reporter.warn(`skipped ${s.stack}: ${s.problem}`);
  reporter.result(result, (out) => {
    if (result.removals.length === 0)
      out(`no preview of env ${env} to remove (${result.previews} checked at ${result.now})`);
    for (const r of result.removals) {
      const why = r.reason === "expired" ? `expired ${r.expiresAt}` : "branch deleted";
      out(
        `${r.outcome === "would-destroy" ? "would remove" : r.outcome} ${r.stack} (branch ${r.branch}; ${why})${r.message === undefined ? "" : `: ${r.message}`}`,
      );
    }
  });
  const code = gcExitCode(result);
  if (code !== 0) {
    const failed = result.removals.filter((r) => r.outcome === "failed" || r.outcome === "locked");
    throw new CliError(
      code,
      `gc could not remove ${failed.length} preview(s): ${failed.map((r) => `${r.stack} (${r.outcome})`).join(", ")}`,
      {
        hint: `the others were removed; rerun later: ${retry}`,
        resultPrinted: true,
      },
    );
  }
}
