/**
 * The actions of `preview up` and `preview down`: validate everything first (exit 2, nothing touched), then open
 * the engine session, run, and report. Wired by cli/commands/preview.ts.
 */
import type { Reporter } from "../io";
import type { CommandContext } from "../command-line";
import { checkSecretsProviderOption } from "../orchestration/prerequisites";
import {
  checkedFormat,
  checkedImage,
  checkedTtl,
  previewNow,
  previewTarget,
  type OutputFormat,
} from "../preview/input";
import { openEngineSession } from "../orchestration/session";
import { previewUp } from "../preview/deploy";
import { costBreakdown, PRICE_ASSUMPTIONS } from "../../infra/tiers";
import { previewMarkdown, previewReport, previewText } from "../preview/comment";
import { confirmBySlug } from "../prompt";
import { previewDown } from "../preview/destroy";

export interface PreviewCommonFlags {
  readonly branch: string;
  readonly env?: string;
  readonly json?: boolean;
  readonly secretsProvider?: string;
  readonly installPulumi?: boolean;
}

export interface PreviewUpFlags extends PreviewCommonFlags {
  readonly image?: string;
  readonly ttl?: string;
  readonly format?: OutputFormat;
}

export interface PreviewDownFlags extends PreviewCommonFlags {
  readonly yes?: boolean;
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}

export async function previewUpAction(ctx: CommandContext, reporter: Reporter, flags: PreviewUpFlags): Promise<void> {
  const format = checkedFormat(flags.format, flags.json ?? false);
  const target = previewTarget(flags.branch, flags.env, ctx.io.env);
  const ttlMs = checkedTtl(flags.ttl);
  const image = checkedImage(flags.image);
  const now = await previewNow(ctx.io);
  const secretsProvider = checkSecretsProviderOption(flags.secretsProvider);
  const retry = [
    "tenantctl preview up --branch",
    shellQuote(target.branch),
    "--env",
    target.env,
    ...(image === undefined ? [] : ["--image", shellQuote(image)]),
    ...(flags.ttl === undefined ? [] : ["--ttl", flags.ttl]),
  ].join(" ");
  const session = await openEngineSession(ctx.io, { secretsProvider, installPulumi: flags.installPulumi ?? false });
  const result = await previewUp(session, { target, image, ttlMs, now, retry });
  const report = previewReport(result, costBreakdown("preview"), PRICE_ASSUMPTIONS.hoursPerMonth);
  reporter.result(report, (out) => {
    if (format === "markdown") ctx.io.stdout.write(previewMarkdown(report, result.resources, now));
    else for (const line of previewText(report, result.resources, now)) out(line);
  });
}

export async function previewDownAction(
  ctx: CommandContext,
  reporter: Reporter,
  flags: PreviewDownFlags,
): Promise<void> {
  const target = previewTarget(flags.branch, flags.env, ctx.io.env);
  const secretsProvider = checkSecretsProviderOption(flags.secretsProvider);
  const retry = `tenantctl preview down --branch ${shellQuote(target.branch)} --env ${target.env} --yes`;
  const confirm = (): Promise<void> =>
    confirmBySlug(ctx.io, {
      slug: target.slug,
      what: `preview down of branch ${JSON.stringify(target.branch)}`,
      warning: `This destroys the preview of branch ${JSON.stringify(target.branch)} (stack ${target.stack}); its database goes without a snapshot`,
      label: "preview slug",
      yes: flags.yes ?? false,
      command: retry.replace(/ --yes$/, ""),
    });
  // Refuse before touching anything when nobody can confirm.
  if (!(flags.yes ?? false) && !ctx.io.interactive) await confirm();
  const session = await openEngineSession(ctx.io, { secretsProvider, installPulumi: flags.installPulumi ?? false });
  const result = await previewDown(session, { target, retry, confirm });
  const document = {
    branch: result.branch,
    env: target.env,
    stack: result.stack,
    removed: true,
    resourcesDeleted: result.deleted.length,
    createdAt: result.record?.createdAt ?? null,
  };
  reporter.result(document, (out) => {
    out(
      `preview of ${result.branch} removed (${result.deleted.length} resources deleted, stack ${result.stack} removed)`,
    );
  });
}
