/**
 * `tenantctl drift tenants`: refresh previews across the fleet, listing what changed behind the programs' backs.
 * Exit 0: no drift; 4: drift found; 1: a tenant could not be checked. The logic is in cli/actions/drift.ts.
 */
import { Command, Option } from "commander";
import type { DriftFlags } from "../actions/drift";
import type { CommandContext } from "../command-line";
import { nounCommand, reporterFor, withEnv, withExamples, withJson } from "./common";

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function driftCommand(ctx: CommandContext): Command {
  const tenants = withJson(
    withEnv(nounCommand("tenants", "compare every tenant's recorded state with what is deployed (nothing is changed)")),
  )
    .addOption(new Option("--concurrency <n>", "stacks refreshed at once (default: 5)"))
    .addOption(
      new Option(
        "--stagger <spacing>",
        "spacing of the parallel lanes' first starts, e.g. 500ms, 2s, 0 (default: 500ms)",
      ),
    )
    .addOption(
      new Option(
        "--timeout <limit>",
        "cancel a tenant's stack operation that runs longer, e.g. 30m, 2h (1s-24h; default: no limit); it counts as failed",
      ),
    )
    .addOption(
      new Option(
        "--select <key=values>",
        "only tenants matching tier=…, slug=a,b or loadBalancer=…; repeatable",
      ).argParser(collect),
    )
    .option("--verbose", "show each worker's engine progress, prefixed with the tenant")
    .addOption(
      new Option("--secrets-provider <url>", "secrets provider of the stacks: passphrase (default) or awskms://<key>"),
    )
    .addHelpText("after", "\nDrift exit codes: 0 no drift, 4 drift found, 1 a tenant could not be checked.");
  withExamples(tenants, [
    "tenantctl drift tenants",
    "tenantctl drift tenants --env prod --concurrency 10 --json | jq '.tenants[] | select(.status == \"drifted\")'",
  ]);
  tenants.action(async (flags: DriftFlags) => {
    const { driftAction } = await import("../actions/drift");
    await driftAction(ctx.io, reporterFor(ctx, flags), flags);
  });
  return withExamples(new Command("drift").description("detect drift across the fleet"), [
    "tenantctl drift tenants",
  ]).addCommand(tenants);
}
