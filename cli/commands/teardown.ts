/**
 * `tenantctl teardown tenant <slug>`: typed confirmation (or --yes; no terminal and no --yes → exit 2), then the
 * loss-free teardown of cli/orchestration/teardown.ts. Prints the final snapshot id and where the archive went.
 */
import { Command } from "commander";
import type { TeardownFlags } from "../actions/teardown";
import type { CommandContext } from "../command-line";
import { nounCommand, reporterFor, withBackend, withEnv, withExamples, withJson } from "./common";

export function teardownCommand(ctx: CommandContext): Command {
  const tenant = withJson(withBackend(withEnv(nounCommand("tenant", "remove a tenant without losing its data"))))
    .argument("<slug>", "tenant slug")
    .option("-y, --yes", "skip the typed confirmation (required without a terminal)")
    .option("--keep-stack", "destroy the resources but keep the (empty) stack and its history")
    .option(
      "--force-delete-secrets",
      "delete the tenant's secrets at once instead of leaving them in their recovery window",
    );
  withExamples(tenant, [
    "tenantctl teardown tenant acme",
    "tenantctl teardown tenant acme --env prod --yes --json",
    "tenantctl teardown tenant acme --yes --force-delete-secrets   # the slug can be reused at once",
  ]);
  tenant.action(async (slug: string, flags: TeardownFlags) => {
    const { teardownAction } = await import("../actions/teardown");
    await teardownAction(ctx, reporterFor(ctx, flags), slug, flags);
  });
  return withExamples(new Command("teardown").description("tear a tenant down").addCommand(tenant), [
    "tenantctl teardown tenant acme",
  ]);
}
