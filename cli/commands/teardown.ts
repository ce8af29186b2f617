/**
 * `tenantctl teardown tenant <slug>`: typed confirmation (or --yes; no terminal and no --yes → exit 2), then the
 * loss-free teardown of cli/orchestration/teardown.ts. Prints the final snapshot id and where the archive went.
 */
import { Command } from "commander";
import {
  commandLine, nounCommand, reporterFor, withBackend, withEnv, withExamples, withJson,
  type BackendFlags, type CommandContext, type OutputFlags,
} from "./common";

type TeardownFlags = OutputFlags & BackendFlags & {
  readonly env?: string;
  readonly yes?: boolean;
  readonly keepStack?: boolean;
  readonly forceDeleteSecrets?: boolean;
};

async function teardownAction(ctx: CommandContext, slug: string, flags: TeardownFlags): Promise<void> {
  const reporter = reporterFor(ctx, flags);
  const { checkSlugAndEnv, envOrDefault } = await import("../tenant-input");
  const { checkSecretsProviderOption } = await import("../orchestration/prerequisites");
  const { confirmBySlug } = await import("../prompt");
  const env = envOrDefault(flags.env, ctx.io.env);
  await checkSlugAndEnv(slug, env);
  const secretsProvider = checkSecretsProviderOption(flags.secretsProvider);
  const retry = commandLine(["teardown", "tenant", slug], { ...flags, yes: true });
  // Refuse before touching anything when nobody can confirm.
  if (!(flags.yes ?? false) && !ctx.io.interactive) {
    await confirmBySlug(ctx.io, { slug, what: `teardown of ${slug}`, yes: false, command: retry.replace(/ --yes$/, "") });
  }
  const { openEngineSession } = await import("../orchestration/session");
  const { teardownTenant } = await import("../orchestration/teardown");
  const session = await openEngineSession(ctx.io, { secretsProvider, installPulumi: flags.installPulumi ?? false });
  const action = `This destroys tenant ${slug} in ${env} (final DB snapshot kept, state archived, secrets ${flags.forceDeleteSecrets ?? false ? "FORCE-DELETED" : "kept for their recovery window"})`;
  const result = await teardownTenant(session, {
    slug,
    env,
    keepStack: flags.keepStack ?? false,
    forceDeleteSecrets: flags.forceDeleteSecrets ?? false,
    retry,
    confirm: () => confirmBySlug(ctx.io, { slug, what: `teardown of ${slug}`, warning: action, yes: flags.yes ?? false, command: retry.replace(/ --yes$/, "") }),
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
    out(`  secrets:           ${record.secrets === "force-deleted" ? "force-deleted" : "kept in their recovery window (the slug's secret names stay reserved until it ends)"}`);
    out(`  stack:             ${record.stackRemoved ? "removed" : "kept (--keep-stack)"}`);
  });
}

export function teardownCommand(ctx: CommandContext): Command {
  const tenant = withJson(withBackend(withEnv(nounCommand("tenant", "remove a tenant without losing its data"))))
    .argument("<slug>", "tenant slug")
    .option("-y, --yes", "skip the typed confirmation (required without a terminal)")
    .option("--keep-stack", "destroy the resources but keep the (empty) stack and its history")
    .option("--force-delete-secrets", "delete the tenant's secrets at once instead of leaving them in their recovery window");
  withExamples(tenant, [
    "tenantctl teardown tenant acme",
    "tenantctl teardown tenant acme --env prod --yes --json",
    "tenantctl teardown tenant acme --yes --force-delete-secrets   # the slug can be reused at once",
  ]);
  tenant.action((slug: string, flags: TeardownFlags) => teardownAction(ctx, slug, flags));
  return withExamples(new Command("teardown").description("tear a tenant down").addCommand(tenant), ["tenantctl teardown tenant acme"]);
}
