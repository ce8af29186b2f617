/**
 * `tenantctl shared up|preview|down --env <env>`: the root project's program (the same code and Pulumi.<env>.yaml
 * as `pulumi up -s <env>` at the repo root). `down` asks for the env name on a terminal and refuses while tenants
 * or previews of that env exist. `preview --format markdown` prints the diff as a pull-request comment (cli/preview/).
 */
import { Command, Option } from "commander";
import { ConflictError } from "../errors";
import type { ValidationRecord } from "../orchestration/certificate-records";
import type { SharedAction } from "../orchestration/shared-stack";
import { nounCommand, reporterFor, withBackend, withEnv, withExamples, withJson, withYes, type BackendFlags, type CommandContext, type OutputFlags } from "./common";

type SharedFlags = OutputFlags & BackendFlags & {
  readonly env?: string;
  readonly config?: string[];
  readonly configFile?: string;
  readonly yes?: boolean;
  readonly format?: "text" | "markdown";
};

async function sharedAction(ctx: CommandContext, action: SharedAction, flags: SharedFlags): Promise<void> {
  const reporter = reporterFor(ctx, flags);
  const { envOrDefault, checkEnv } = await import("../tenant-input");
  const { checkSecretsProviderOption } = await import("../orchestration/prerequisites");
  const { loadSharedConfig } = await import("../orchestration/shared-config");
  const env = envOrDefault(flags.env, ctx.io.env);
  await checkEnv(env);
  const secretsProvider = checkSecretsProviderOption(flags.secretsProvider);
  const { checkedFormat } = await import("../preview/input");
  const format = checkedFormat(flags.format, flags.json ?? false);
  const config = await loadSharedConfig({ env, file: flags.configFile, overrides: flags.config ?? [], cwd: ctx.io.cwd });
  if (action === "down") {
    const { confirmBySlug } = await import("../prompt");
    await confirmBySlug(ctx.io, {
      slug: env, what: `shared down of env ${env}`, warning: `This destroys the shared layer of env ${env}`, label: "env name", yes: flags.yes ?? false, command: `tenantctl shared down --env ${env}`,
    });
  }
  const { openEngineSession } = await import("../orchestration/session");
  const { runShared } = await import("../orchestration/shared-stack");
  const session = await openEngineSession(ctx.io, { secretsProvider, installPulumi: flags.installPulumi ?? false });
  if (action === "down") {
    const { listIndex } = await import("../orchestration/tenant-index");
    const { TENANTS_PROJECT } = await import("../orchestration/projects");
    const tenants = (await listIndex(session.store, TENANTS_PROJECT)).filter((t) => t.env === env);
    if (tenants.length > 0) {
      throw new ConflictError(`env ${env} still has ${tenants.length} tenant(s) (${tenants.slice(0, 5).map((t) => t.slug).join(", ")}${tenants.length > 5 ? ", …" : ""})`, {
        hint: "tear them down first: tenantctl teardown tenant <slug>",
      });
    }
    const { listPreviewEntries } = await import("../preview/records");
    const previews = (await listPreviewEntries(session.store)).filter((p) => p.entry.record.env === env);
    if (previews.length > 0) {
      throw new ConflictError(`env ${env} still has ${previews.length} preview(s) (${previews.slice(0, 5).map((p) => p.entry.record.stack).join(", ")}${previews.length > 5 ? ", …" : ""})`, {
        hint: `remove them first: tenantctl preview down --branch <branch> --env ${env} --yes (or tenantctl preview gc)`,
      });
    }
  }
  if (action === "preview" && format === "markdown") {
    // The pull-request comment of the infra diff (docs/previews.md); nothing but markdown on stdout.
    const { sharedDiff, sharedDiffMarkdown } = await import("../preview/shared-diff");
    const diff = await sharedDiff(session, config);
    reporter.result(diff, () => ctx.io.stdout.write(sharedDiffMarkdown(diff)));
    return;
  }
  const result = await runShared(session, { action, config });
  const { changeSummary } = await import("../progress");
  const { recordsTable } = await import("../orchestration/certificate-records");
  // The shared stack's outputs are ids, ARNs and names (infra/shared/outputs.ts): nothing secret.
  const safeOutputs = result.outputs;
  reporter.result({ env, stack: result.stack, action, resourceChanges: result.changes, outputs: safeOutputs }, (out) => {
    out(`shared ${action} ${env}: ${changeSummary(result.changes, action === "preview")}`);
    if (action !== "up") return;
    for (const [key, value] of Object.entries(safeOutputs)) {
      if (key !== "certificateValidationRecords") out(`  ${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`);
    }
    const records = safeOutputs.certificateValidationRecords;
    if (Array.isArray(records) && records.length > 0 && config.hostedZoneId === undefined) {
      out("  certificate validation records (keep them published: ACM renews the certificate with them):");
      out(recordsTable(records as ValidationRecord[]).replace(/^/gm, "    "));
    }
  });
}

function subcommand(ctx: CommandContext, action: SharedAction, description: string, examples: string[]): Command {
  const command = withJson(withBackend(withEnv(nounCommand(action, description))))
    .option("--config <key=value...>", "override a key of Pulumi.<env>.yaml (e.g. baseDomain=tenants.example.com)")
    .option("--config-file <path>", "configuration file to read instead of the repo's Pulumi.<env>.yaml");
  withYes(command, action === "down" ? "skip the typed confirmation (required without a terminal)" : undefined);
  if (action === "preview") {
    command.addOption(new Option("--format <format>", "text, or markdown for a pull-request comment (stdout gets only the comment)").choices(["text", "markdown"]));
  }
  command.action((flags: SharedFlags) => sharedAction(ctx, action, flags));
  return withExamples(command, examples);
}

export function sharedCommand(ctx: CommandContext): Command {
  const shared = new Command("shared").description("the shared layer every tenant sits on (VPC, ALB, cluster, log group, ECR)");
  shared.addCommand(subcommand(ctx, "up", "create or update the shared stack of an env", ["tenantctl shared up --env dev", "tenantctl shared up --env prod --config albCount=2"]));
  shared.addCommand(subcommand(ctx, "preview", "show what shared up would change", ["tenantctl shared preview --env prod --json", "tenantctl shared preview --env dev --format markdown > infra-diff.md"]));
  shared.addCommand(subcommand(ctx, "down", "destroy the shared stack of an env (refused while it has tenants or previews)", ["tenantctl shared down --env dev --yes"]));
  return withExamples(shared, ["tenantctl shared up --env dev"]);
}
