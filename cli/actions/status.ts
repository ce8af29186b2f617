/**
 * The action of `tenantctl status tenant <slug>`: validate, open the engine session, read the stack and its records,
 * report; `--probe` failing is exit 1 (after the report).
 */
import { OperationFailedError } from "../errors";
import type { BackendFlags, CommandContext, OutputFlags } from "../command-line";
import type { Reporter } from "../io";
import { checkSecretsProviderOption } from "../orchestration/prerequisites";
import { openEngineSession } from "../orchestration/session";
import { tenantStatus } from "../orchestration/status";
import { checkSlugAndEnv, envOrDefault } from "../env-input";
import { describeProbe } from "../readiness";

export type StatusFlags = OutputFlags & BackendFlags & { readonly env?: string; readonly probe?: boolean };

export async function statusAction(
  ctx: CommandContext,
  reporter: Reporter,
  slug: string,
  flags: StatusFlags,
): Promise<void> {
  const env = envOrDefault(flags.env, ctx.io.env);
  checkSlugAndEnv(slug, env);
  const secretsProvider = checkSecretsProviderOption(flags.secretsProvider);
  const session = await openEngineSession(ctx.io, { secretsProvider, installPulumi: flags.installPulumi ?? false });
  const status = await tenantStatus(session, slug, env, flags.probe ?? false);
  reporter.result(status, (out) => {
    out(`${slug} (${status.stack}) — ${status.resourceCount} resources`);
    if (status.lastUpdate !== null)
      out(
        `  last update: ${status.lastUpdate.kind} ${status.lastUpdate.result} at ${status.lastUpdate.endTime ?? status.lastUpdate.startTime}`,
      );
    if (status.index !== null)
      out(
        `  last tenantctl operation: ${status.index.lastOperation} ${status.index.status} at ${status.index.updatedAt}${status.index.message === null ? "" : ` — ${status.index.message}`}`,
      );
    out("  spec:");
    for (const [key, value] of Object.entries(status.spec as Record<string, unknown>))
      out(`    ${key}: ${JSON.stringify(value)}`);
    out("  outputs:");
    for (const [key, value] of Object.entries(status.outputs))
      out(`    ${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`);
    if (status.probe !== null)
      out(
        `  probe: GET ${status.probe.url} → ${status.probe.ok ? `healthy (${status.probe.status})` : `UNHEALTHY (${describeProbe(status.probe)})`}`,
      );
  });
  if (status.probe !== null && !status.probe.ok) {
    throw new OperationFailedError(`${slug} is not healthy: GET ${status.probe.url} → ${describeProbe(status.probe)}`, {
      resultPrinted: true,
    });
  }
}
