/**
 * `tenantctl list tenants`: the tenant index as a table or one JSON document. Reads only tenantctl's index
 * records, so it needs neither the pulumi CLI nor a passphrase and never loads the Pulumi SDK.
 */
import { Command } from "commander";
import type { ListFlags } from "../actions/list";
import type { CommandContext } from "../command-line";
import { nounCommand, reporterFor, withExamples, withJson, withYes } from "./common";

export function listCommand(ctx: CommandContext): Command {
  const tenants = withJson(nounCommand("tenants", "list every tenant with its tier, last operation, URL and image"))
    .option("--env <env>", "only tenants of this environment")
    .option(
      "--refresh",
      "first rebuild the tenant index from the stacks (slow: reads every stack; needs the pulumi CLI and the passphrase)",
    );
  withYes(tenants);
  withExamples(tenants, ["tenantctl list tenants", "tenantctl list tenants --env prod --json | jq '.tenants[].slug'"]);
  tenants.action(async (flags: ListFlags) => {
    const { listAction } = await import("../actions/list");
    await listAction(ctx, reporterFor(ctx, flags), flags);
  });
  return withExamples(new Command("list").description("list tenants").addCommand(tenants), ["tenantctl list tenants"]);
}
