/**
 * The action of `tenantctl shared up|preview|down --env <env>`: the root project's program (the same code and
 * Pulumi.<env>.yaml as `pulumi up -s <env>` at the repo root). `down` asks for the env name on a terminal and is
 * refused while tenants or previews of that env exist (cli/orchestration/shared-down.ts).
 */
import type { BackendFlags, CommandContext, OutputFlags } from "../command-line";
import type { Reporter } from "../io";
import { recordsTable, type ValidationRecord } from "../orchestration/certificate-records";
import { checkSecretsProviderOption } from "../orchestration/prerequisites";
import { openEngineSession } from "../orchestration/session";
import { loadSharedConfig } from "../orchestration/shared-config";
import { refuseSharedDownWhileUsed } from "../orchestration/shared-down";
import { runShared, type SharedAction } from "../orchestration/shared-stack";
import { checkedFormat } from "../preview/input";
import { sharedDiff, sharedDiffMarkdown } from "../preview/shared-diff";
import { changeSummary } from "../progress";
import { confirmBySlug } from "../prompt";
import { checkEnv, envOrDefault } from "../env-input";

export type SharedFlags = OutputFlags &
  BackendFlags & {
    readonly env?: string;
    readonly config?: string[];
    readonly configFile?: string;
    readonly yes?: boolean;
    readonly format?: "text" | "markdown";
  };

export async function sharedAction(
  ctx: CommandContext,
  reporter: Reporter,
  action: SharedAction,
  flags: SharedFlags,
): Promise<void> {
  const env = envOrDefault(flags.env, ctx.io.env);
  checkEnv(env);
  const secretsProvider = checkSecretsProviderOption(flags.secretsProvider);
  const format = checkedFormat(flags.format, flags.json ?? false);
  const config = await loadSharedConfig({
    env,
    file: flags.configFile,
    overrides: flags.config ?? [],
    cwd: ctx.io.cwd,
  });
  if (action === "down") {
    await confirmBySlug(ctx.io, {
      slug: env,
      what: `shared down of env ${env}`,
      warning: `This destroys the shared layer of env ${env}`,
      label: "env name",
      yes: flags.yes ?? false,
      command: `tenantctl shared down --env ${env}`,
    });
  }
  const session = await openEngineSession(ctx.io, { secretsProvider, installPulumi: flags.installPulumi ?? false });
  if (action === "down") await refuseSharedDownWhileUsed(session.store, env);
  if (action === "preview" && format === "markdown") {
    // The pull-request comment of the infra diff (docs/previews.md); nothing but markdown on stdout.
    const diff = await sharedDiff(session, config);
    reporter.result(diff, () => ctx.io.stdout.write(sharedDiffMarkdown(diff)));
    return;
  }
  const result = await runShared(session, { action, config });
  // The shared stack's outputs are ids, ARNs and names (infra/shared/outputs.ts): nothing secret.
  const safeOutputs = result.outputs;
  reporter.result(
    { env, stack: result.stack, action, resourceChanges: result.changes, outputs: safeOutputs },
    (out) => {
      out(`shared ${action} ${env}: ${changeSummary(result.changes, action === "preview")}`);
      if (action !== "up") return;
      for (const [key, value] of Object.entries(safeOutputs)) {
        if (key !== "certificateValidationRecords")
          out(`  ${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`);
      }
      const records = safeOutputs.certificateValidationRecords;
      if (Array.isArray(records) && records.length > 0 && config.hostedZoneId === undefined) {
        out("  certificate validation records (keep them published: ACM renews the certificate with them):");
        out(recordsTable(records as ValidationRecord[]).replace(/^/gm, "    "));
      }
    },
  );
}
