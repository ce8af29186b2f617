/**
 * The action of `tenantctl teardown tenant <slug>`: validate, refuse without a terminal and without --yes, open the
 * engine session, run the loss-free teardown of cli/orchestration/teardown.ts, report where the data went.
 */
import { commandLine, type BackendFlags, type CommandContext, type OutputFlags } from "../command-line";
import type { Reporter } from "../io";
import { checkSecretsProviderOption } from "../orchestration/prerequisites";
import { openEngineSession } from "../orchestration/session";
import { teardownTenant } from "../orchestration/teardown";
import { confirmBySlug } from "../prompt";
import { checkSlugAndEnv, envOrDefault } from "../env-input";

export type TeardownFlags = OutputFlags &
  BackendFlags & {
    readonly env?: string;
    readonly yes?: boolean;
    readonly keepStack?: boolean;
    readonly forceDeleteSecrets?: boolean;
  };

export async function teardownAction(
  ctx: CommandContext,
  reporter: Reporter,
  slug: string,
  flags: TeardownFlags,
): Promise<void> {
  const env = envOrDefault(flags.env, ctx.io.env);
  checkSlugAndEnv(slug, env);
  const secretsProvider = checkSecretsProviderOption(flags.secretsProvider);
  const retry = commandLine(["teardown", "tenant", slug], { ...flags, yes: true });
  // Refuse before touching anything when nobody can confirm.
  if (!(flags.yes ?? false) && !ctx.io.interactive) {
    await confirmBySlug(ctx.io, {
      slug,
      what: `teardown of ${slug}`,
      yes: false,
      command: retry.replace(/ --yes$/, ""),
    });
  }
  const session = await openEngineSession(ctx.io, { secretsProvider, installPulumi: flags.installPulumi ?? false });
  const action = `This destroys tenant ${slug} in ${env} (final DB snapshot kept, state archived, secrets ${(flags.forceDeleteSecrets ?? false) ? "FORCE-DELETED" : "kept for their recovery window"})`;
  const result = await teardownTenant(session, {
    slug,
    env,
    keepStack: flags.keepStack ?? false,
    forceDeleteSecrets: flags.forceDeleteSecrets ?? false,
    retry,
    confirm: () =>
      confirmBySlug(ctx.io, {
        slug,
        what: `teardown of ${slug}`,
        warning: action,
        yes: flags.yes ?? false,
        command: retry.replace(/ --yes$/, ""),
      }),
  });
  const { record } = result;
  const document = {
    tenant: slug,
    env,
    stack: result.target.stack,
    finalSnapshotIdentifier: record.finalSnapshotIdentifier ?? null,
    archive: `${session.store.location}/${record.archiveKey}`,
    record: `${session.store.location}/${result.recordKey}`,
    secrets: record.secrets,
    stackRemoved: record.stackRemoved,
  };
  reporter.result(document, (out) => {
    out(`${slug} is torn down`);
    out(`  final DB snapshot: ${record.finalSnapshotIdentifier ?? "(none)"}`);
    out(`  state archive:     ${document.archive}`);
    out(
      `  secrets:           ${record.secrets === "force-deleted" ? "force-deleted" : "kept in their recovery window (the slug's secret names stay reserved until it ends)"}`,
    );
    out(`  stack:             ${record.stackRemoved ? "removed" : "kept (--keep-stack)"}`);
  });
}
