/**
 * `tenantctl synth tenant <slug>`: runs the tenant program in-process under the AWS-faithful mocks with
 * placeholder shared outputs. Touches no backend, no pulumi CLI, no AWS. Exit 2 when AWS's rules are broken.
 */
import { Command } from "commander";
import type { SynthFlags } from "../actions/synth";
import type { CommandContext } from "../command-line";
import { nounCommand, reporterFor, withEnv, withExamples, withJson, withTenantFlags } from "./common";

export function synthCommand(ctx: CommandContext): Command {
  const tenant = withJson(
    withEnv(
      withTenantFlags(
        nounCommand("tenant", "show what a tenant stack would contain, checked against AWS's rules; no cloud needed"),
      ),
    ),
  ).argument("<slug>", "tenant slug (3-21 lowercase letters, digits, hyphens)");
  withExamples(tenant, [
    "tenantctl synth tenant acme",
    "tenantctl synth tenant acme --tier premium --json | jq '.resources | length'",
  ]);
  tenant.action(async (slug: string, flags: SynthFlags) => {
    const { synthAction } = await import("../actions/synth");
    await synthAction(ctx, reporterFor(ctx, flags), slug, flags);
  });
  return withExamples(
    new Command("synth").description("synthesize a stack in-process under AWS-faithful mocks").addCommand(tenant),
    ["tenantctl synth tenant acme --json"],
  );
}
