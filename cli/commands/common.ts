/**
 * Option sets and help text shared by the command files, so every command spells a flag the same way.
 */
import { Command, Option } from "commander";
import { TIER_NAMES } from "../../infra/tiers";
import { EXIT_CODE_HELP } from "../errors";
import type { CommandContext, OutputFlags } from "../command-line";
import { Reporter } from "../io";

/** The tiers an operator can ask for; `preview` belongs to `preview up` (infra/spec.ts refuses it elsewhere). */
const TENANT_TIERS = TIER_NAMES.filter((tier) => tier !== "preview");

export function withJson(command: Command): Command {
  return command.option("--json", "print exactly one JSON document on stdout (progress and errors go to stderr)");
}

export function withEnv(command: Command): Command {
  return command.addOption(
    new Option("--env <env>", "environment of the shared stack (default: $TENANTCTL_ENV or dev)"),
  );
}

export function withBackend(command: Command): Command {
  return command
    .addOption(
      new Option("--secrets-provider <url>", "secrets provider for new stacks: passphrase (default) or awskms://<key>"),
    )
    .option("--install-pulumi", "install the pinned pulumi CLI under ~/.pulumi/versions when it is missing");
}

export function withTenantFlags(command: Command): Command {
  return command
    .addOption(new Option("--tier <tier>", TENANT_TIERS.join(" | ")))
    .addOption(new Option("--display-name <name>", "name shown in the tenant's app (default: the slug)"))
    .addOption(new Option("--color <hex>", "primary colour of the skin, #rrggbb"))
    .addOption(new Option("--logo-url <url>", "https URL of the tenant's logo"))
    .addOption(new Option("--owner <email>", "contact of the customer's owner"))
    .addOption(
      new Option(
        "--image <ref>",
        "app image (default for a new tenant: what most of the env's tenants run, else the shared stack's image)",
      ),
    );
}

/**
 * `-y, --yes` on every command that changes something: scripts pass it everywhere, so it is accepted even where
 * nothing is asked (then it does nothing).
 */
export function withYes(command: Command, description = "accepted for scripts; this command asks nothing"): Command {
  return command.option("-y, --yes", description);
}

/** Examples and the exit-code table at the end of a command's --help. */
export function withExamples(command: Command, examples: readonly string[]): Command {
  return command.addHelpText(
    "after",
    `\nExamples:\n${examples.map((e) => `  $ ${e}`).join("\n")}\n\n${EXIT_CODE_HELP}\n`,
  );
}

export function reporterFor(ctx: CommandContext, flags: OutputFlags): Reporter {
  return new Reporter(ctx.io, flags.json ?? false);
}

/** A noun subcommand such as `tenant <slug>` under a verb. */
export function nounCommand(name: string, description: string): Command {
  return new Command(name).description(description).allowExcessArguments(false);
}
