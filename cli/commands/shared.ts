/**
 * `tenantctl shared up|preview|down --env <env>`: the root project's program (the same code and Pulumi.<env>.yaml
 * as `pulumi up -s <env>` at the repo root). `down` asks for the env name on a terminal and refuses while tenants
 * or previews of that env exist. `preview --format markdown` prints the diff as a pull-request comment (cli/preview/).
 */
import { Command, Option } from "commander";
import type { SharedFlags } from "../actions/shared";
import type { CommandContext } from "../command-line";
import type { SharedAction } from "../orchestration/shared-stack";
import { nounCommand, reporterFor, withBackend, withEnv, withExamples, withJson, withYes } from "./common";

function subcommand(ctx: CommandContext, action: SharedAction, description: string, examples: string[]): Command {
  const command = withJson(withBackend(withEnv(nounCommand(action, description))))
    .option("--config <key=value...>", "override a key of Pulumi.<env>.yaml (e.g. baseDomain=tenants.example.com)")
    .option("--config-file <path>", "configuration file to read instead of the repo's Pulumi.<env>.yaml");
  withYes(command, action === "down" ? "skip the typed confirmation (required without a terminal)" : undefined);
  if (action === "preview") {
    command.addOption(
      new Option(
        "--format <format>",
        "text, or markdown for a pull-request comment (stdout gets only the comment)",
      ).choices(["text", "markdown"]),
    );
  }
  command.action(async (flags: SharedFlags) => {
    const { sharedAction } = await import("../actions/shared");
    await sharedAction(ctx, reporterFor(ctx, flags), action, flags);
  });
  return withExamples(command, examples);
}

export function sharedCommand(ctx: CommandContext): Command {
  const shared = new Command("shared").description(
    "the shared layer every tenant sits on (VPC, ALB, cluster, log group, ECR)",
  );
  shared.addCommand(
    subcommand(ctx, "up", "create or update the shared stack of an env", [
      "tenantctl shared up --env dev",
      "tenantctl shared up --env prod --config albCount=2",
    ]),
  );
  shared.addCommand(
    subcommand(ctx, "preview", "show what shared up would change", [
      "tenantctl shared preview --env prod --json",
      "tenantctl shared preview --env dev --format markdown > infra-diff.md",
    ]),
  );
  shared.addCommand(
    subcommand(ctx, "down", "destroy the shared stack of an env (refused while it has tenants or previews)", [
      "tenantctl shared down --env dev --yes",
    ]),
  );
  return withExamples(shared, ["tenantctl shared up --env dev"]);
}
