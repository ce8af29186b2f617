/**
 * The command tree: verb then noun (`provision tenant <slug>`). Only wiring here; each verb is declared in its own file
 * under cli/commands/, which loads its action (cli/actions/) lazily; see docs/modules.md, "Lazy loading".
 */
import { Command } from "commander";
import { EXIT_CODE_HELP } from "./errors";
import { packageVersion } from "./package-root";
import type { Io } from "./io";
import { provisionCommand } from "./commands/provision";
import { updateCommand } from "./commands/update";
import { teardownCommand } from "./commands/teardown";
import { listCommand } from "./commands/list";
import { statusCommand } from "./commands/status";
import { synthCommand } from "./commands/synth";
import { sharedCommand } from "./commands/shared";
import { previewCommand } from "./commands/preview";
import { upgradeCommand } from "./commands/upgrade";
import { driftCommand } from "./commands/drift";
import { capacityCommand } from "./commands/capacity";
import { restoreCommand } from "./commands/restore";
import { poolCommand } from "./commands/pool";

const ROOT_EXAMPLES = [
  "tenantctl synth tenant acme --json                      # what acme would get; no cloud needed",
  "tenantctl shared up --env dev                           # the shared layer (VPC, ALB, cluster)",
  'tenantctl provision tenant acme --tier standard --display-name "ACME Corp"',
  "tenantctl list tenants",
  "tenantctl status tenant acme --probe",
  "tenantctl update tenant acme --tier premium",
  "tenantctl teardown tenant acme",
];

const ENVIRONMENT_HELP = [
  "Environment:",
  "  PULUMI_BACKEND_URL                 state backend (default: file://./.tenantctl/state)",
  "  PULUMI_CONFIG_PASSPHRASE(_FILE)    passphrase of the stacks' secrets (or --secrets-provider awskms://…)",
  "  TENANTCTL_ENV                      default --env (default: dev)",
  "  TENANTCTL_HOME                     local folder for work directories (default: ./.tenantctl)",
  "  CI                                 set: plain timestamped progress lines, never prompt",
].join("\n");

export function buildProgram(io: Io): Command {
  const ctx = { io };
  const program = new Command("tenantctl")
    .description("One AWS stack per SaaS customer: provision, update, tear down and inspect tenants.")
    .version(packageVersion(), "-V, --version", "print the tenantctl version")
    .showSuggestionAfterError(true)
    .addHelpText(
      "after",
      `\nExamples:\n${ROOT_EXAMPLES.map((e) => `  $ ${e}`).join("\n")}\n\n${EXIT_CODE_HELP}\n\n${ENVIRONMENT_HELP}\n`,
    );
  for (const command of [
    provisionCommand(ctx),
    updateCommand(ctx),
    teardownCommand(ctx),
    listCommand(ctx),
    statusCommand(ctx),
    synthCommand(ctx),
    sharedCommand(ctx),
    previewCommand(ctx),
    upgradeCommand(ctx),
    driftCommand(ctx),
    capacityCommand(ctx),
    restoreCommand(ctx),
    poolCommand(ctx),
  ]) {
    program.addCommand(command);
  }
  return program;
}
