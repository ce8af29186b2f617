/**
 * `tenantctl provision tenant <slug>`: validate → shared outputs → listener priority → up with live progress →
 * URL, tier, monthly cost and how to read the admin token. Rerunning with the same spec converges.
 */
import { Command } from "commander";
import type { ProvisionFlags } from "../actions/provision";
import type { CommandContext } from "../command-line";
import { nounCommand, reporterFor, withBackend, withEnv, withExamples, withJson, withTenantFlags } from "./common";

export function provisionCommand(ctx: CommandContext): Command {
  const tenant = withJson(
    withBackend(
      withEnv(
        withTenantFlags(
          nounCommand("tenant", "create a tenant's stack (or converge it when it exists with the same spec)"),
        ),
      ),
    ),
  )
    .argument("<slug>", "tenant slug (3-21 lowercase letters, digits, hyphens; starts with a letter)")
    .option("--dry-run", "preview the changes without applying them")
    .option("-y, --yes", "do not ask for confirmation on a terminal")
    .option(
      "--no-pool",
      "provision cold even when the warm pool has a ready slot of the tier (see tenantctl pool --help)",
    );
  withExamples(tenant, [
    'tenantctl provision tenant acme --tier standard --display-name "ACME Corp"',
    "tenantctl provision tenant globex --tier premium --color '#ff6600' --owner ops@globex.com --yes",
    "tenantctl provision tenant acme --dry-run --json",
  ]);
  tenant.action(async (slug: string, flags: ProvisionFlags) => {
    const { provisionAction } = await import("../actions/provision");
    await provisionAction(ctx, reporterFor(ctx, flags), slug, flags);
  });
  return withExamples(new Command("provision").description("provision a tenant").addCommand(tenant), [
    'tenantctl provision tenant acme --tier standard --display-name "ACME Corp"',
  ]);
}
