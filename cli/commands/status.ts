/**
 * `tenantctl status tenant <slug>`: spec, outputs without secrets, resource count, last operation and its
 * result; `--probe` GETs the tenant's /readyz (exit 1 when it is not ready, with the app's reason).
 */
import { Command } from "commander";
import type { StatusFlags } from "../actions/status";
import type { CommandContext } from "../command-line";
import { nounCommand, reporterFor, withBackend, withEnv, withExamples, withJson } from "./common";

export function statusCommand(ctx: CommandContext): Command {
  const tenant = withJson(
    withBackend(withEnv(nounCommand("tenant", "show a tenant's spec, outputs, resources and last operation"))),
  )
    .argument("<slug>", "tenant slug")
    .option(
      "--probe",
      "GET the tenant's /readyz (database reachable, migrations applied) and exit 1 when it is not ready",
    );
  withExamples(tenant, ["tenantctl status tenant acme", "tenantctl status tenant acme --probe --json"]);
  tenant.action(async (slug: string, flags: StatusFlags) => {
    const { statusAction } = await import("../actions/status");
    await statusAction(ctx, reporterFor(ctx, flags), slug, flags);
  });
  return withExamples(new Command("status").description("show a tenant's status").addCommand(tenant), [
    "tenantctl status tenant acme",
  ]);
}
