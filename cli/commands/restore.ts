/**
 * `tenantctl restore tenant <slug> [--snapshot <id>]`: recreates a torn-down tenant from its recorded final snapshot
 * with its recorded spec; --restore-secrets brings its secrets back from their recovery window, --new-secrets gives
 * it new ones. The action is cli/actions/restore.ts (over cli/fleet/restore.ts).
 */
import { Command, Option } from "commander";
import type { RestoreFlags } from "../actions/restore";
import type { CommandContext } from "../command-line";
import { nounCommand, reporterFor, withEnv, withExamples, withJson, withYes } from "./common";

export function restoreCommand(ctx: CommandContext): Command {
  const tenant = withJson(
    withEnv(nounCommand("tenant", "recreate a torn-down tenant from its final DB snapshot and recorded spec")),
  )
    .argument("<slug>", "tenant slug")
    .addOption(
      new Option("--snapshot <id>", "RDS snapshot to restore from (default: the final snapshot of its last teardown)"),
    )
    .option(
      "--restore-secrets",
      "bring the old secrets back from their recovery window (Secrets Manager RestoreSecret; needs AWS credentials) and keep the admin token",
    )
    .option(
      "--new-secrets",
      "restore although the old secrets are still in their recovery window (the tenant gets new ones; the old admin token is lost)",
    )
    .addOption(
      new Option("--secrets-provider <url>", "secrets provider for the stack: passphrase (default) or awskms://<key>"),
    );
  withYes(tenant);
  withExamples(tenant, [
    "tenantctl restore tenant acme",
    "tenantctl restore tenant acme --restore-secrets",
    "tenantctl restore tenant acme --env prod --snapshot tenantctl-prod-acme-final-1 --json",
  ]);
  tenant.action(async (slug: string, flags: RestoreFlags) => {
    const { restoreAction } = await import("../actions/restore");
    await restoreAction(ctx.io, reporterFor(ctx, flags), slug, flags);
  });
  return withExamples(new Command("restore").description("restore a torn-down tenant").addCommand(tenant), [
    "tenantctl restore tenant acme",
  ]);
}
