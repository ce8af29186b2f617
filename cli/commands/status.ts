/**
 * `tenantctl status tenant <slug>`: spec, outputs without secrets, resource count, last operation and its
 * result; `--probe` GETs the tenant's /readyz (exit 1 when it is not ready, with the app's reason).
 */
import { Command } from "commander";
import { OperationFailedError } from "../errors";
import { nounCommand, reporterFor, withBackend, withEnv, withExamples, withJson, type BackendFlags, type CommandContext, type OutputFlags } from "./common";

type StatusFlags = OutputFlags & BackendFlags & { readonly env?: string; readonly probe?: boolean };

async function statusAction(ctx: CommandContext, slug: string, flags: StatusFlags): Promise<void> {
  const reporter = reporterFor(ctx, flags);
  const { checkSlugAndEnv, envOrDefault } = await import("../tenant-input");
  const { checkSecretsProviderOption } = await import("../orchestration/prerequisites");
  const env = envOrDefault(flags.env, ctx.io.env);
  await checkSlugAndEnv(slug, env);
  const secretsProvider = checkSecretsProviderOption(flags.secretsProvider);
  const { openEngineSession } = await import("../orchestration/session");
  const { tenantStatus } = await import("../orchestration/status");
  const session = await openEngineSession(ctx.io, { secretsProvider, installPulumi: flags.installPulumi ?? false });
  const { describeProbe } = await import("../readiness");
  const status = await tenantStatus(session, slug, env, flags.probe ?? false);
  reporter.result(status, (out) => {
    out(`${slug} (${status.stack}) — ${status.resourceCount} resources`);
    if (status.lastUpdate !== null) out(`  last update: ${status.lastUpdate.kind} ${status.lastUpdate.result} at ${status.lastUpdate.endTime ?? status.lastUpdate.startTime}`);
    if (status.index !== null) out(`  last tenantctl operation: ${status.index.lastOperation} ${status.index.status} at ${status.index.updatedAt}${status.index.message === null ? "" : ` — ${status.index.message}`}`);
    out("  spec:");
    for (const [key, value] of Object.entries(status.spec as Record<string, unknown>)) out(`    ${key}: ${JSON.stringify(value)}`);
    out("  outputs:");
    for (const [key, value] of Object.entries(status.outputs)) out(`    ${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`);
    if (status.probe !== null) out(`  probe: GET ${status.probe.url} → ${status.probe.ok ? `healthy (${status.probe.status})` : `UNHEALTHY (${describeProbe(status.probe)})`}`);
  });
  if (status.probe !== null && !status.probe.ok) {
    throw new OperationFailedError(`${slug} is not healthy: GET ${status.probe.url} → ${describeProbe(status.probe)}`, { resultPrinted: true });
  }
}

export function statusCommand(ctx: CommandContext): Command {
  const tenant = withJson(withBackend(withEnv(nounCommand("tenant", "show a tenant's spec, outputs, resources and last operation"))))
    .argument("<slug>", "tenant slug")
    .option("--probe", "GET the tenant's /readyz (database reachable, migrations applied) and exit 1 when it is not ready");
  withExamples(tenant, ["tenantctl status tenant acme", "tenantctl status tenant acme --probe --json"]);
  tenant.action((slug: string, flags: StatusFlags) => statusAction(ctx, slug, flags));
  return withExamples(new Command("status").description("show a tenant's status").addCommand(tenant), ["tenantctl status tenant acme"]);
}
