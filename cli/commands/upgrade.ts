/**
 * `tenantctl upgrade tenants --image <ref>`: rolls an image out to the fleet in waves, each stack operation alone in a
 * pooled worker process, with a health check after each wave, a failure limit, pins, and a recorded state for --resume.
 * The action is cli/actions/upgrade.ts (over cli/fleet/); this file is the command's flags and help.
 */
import { Command, Option } from "commander";
import type { FleetFlags } from "../fleet/runner/fleet-input";
import type { CommandContext } from "../command-line";
import { nounCommand, reporterFor, withEnv, withExamples, withJson, withYes } from "./common";

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function upgradeCommand(ctx: CommandContext): Command {
  const tenants = withJson(withEnv(nounCommand("tenants", "roll a new app image out to the fleet in waves")))
    .addOption(new Option("--image <ref>", "the image to roll out (required unless --resume)"))
    .addOption(
      new Option(
        "--waves <steps>",
        "cumulative wave sizes, counts or percentages, growing from step to step (default: 1,10%,50%,100%)",
      ),
    )
    .addOption(new Option("--concurrency <n>", "tenants upgraded at once within a wave (default: 5)"))
    .addOption(
      new Option(
        "--stagger <spacing>",
        "spacing of the parallel lanes' first starts in each wave, e.g. 500ms, 2s, 0 (default: 500ms)",
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
        "--max-failures <k|p%>",
        "failures (incl. failed health checks) tolerated before halting (default: 0)",
      ),
    )
    .addOption(
      new Option(
        "--select <key=values>",
        "only tenants matching tier=…, slug=a,b or loadBalancer=…; repeatable",
      ).argParser(collect),
    )
    .option("--include-pinned", "also upgrade tenants pinned with `update tenant --pin-image` (their pin is removed)")
    .addOption(
      new Option(
        "--health <mode>",
        "after each wave: probe (GET /readyz of every upgraded tenant: database reachable, migrations applied) or none (default: probe)",
      ),
    )
    .addOption(
      new Option("--health-url <template>", "URL to probe instead of <url>/readyz; {slug}, {env}, {url} are replaced"),
    )
    .option("--resume [id]", "continue the newest unfinished rollout of the env (or the one with this id)")
    .option("--dry-run", "print the waves and stop; nothing is touched")
    .option(
      "--detach",
      "create the rollout for runners on other machines and print its id; upgrade nothing (with --resume: retry its failures as a new epoch)",
    )
    .addOption(
      new Option(
        "--join <rolloutId>",
        "be one runner of a rollout created with --detach: claim, upgrade and record its tenants (run on any number of machines)",
      ),
    )
    .addOption(
      new Option(
        "--lease <duration>",
        "with --join: how long this runner's claims outlive its last heartbeat before others take its tenants over, e.g. 30s, 2m (2s-1h; default: 60s)",
      ),
    )
    .addOption(
      new Option(
        "--status <rolloutId>",
        "show a --detach rollout's runners, leases, and progress and failures per wave; reads only",
      ),
    )
    .option("--verbose", "show each worker's engine progress, prefixed with the tenant")
    .addOption(
      new Option("--secrets-provider <url>", "secrets provider of the stacks: passphrase (default) or awskms://<key>"),
    );
  withYes(tenants);
  withExamples(tenants, [
    "tenantctl upgrade tenants --image 123456789012.dkr.ecr.us-east-1.amazonaws.com/tenantctl-app:1.5.0 --dry-run",
    "tenantctl upgrade tenants --image <ref> --waves 1,10%,100% --concurrency 10 --max-failures 5%",
    "tenantctl upgrade tenants --image <ref> --select tier=premium --health none --json",
    "tenantctl upgrade tenants --image <ref> --health-url https://{slug}.internal.example.com/readyz",
    "tenantctl upgrade tenants --env prod --resume",
    "tenantctl upgrade tenants --env prod --image <ref> --detach --json   # then on each runner: --join <rolloutId>",
    "tenantctl upgrade tenants --env prod --join <rolloutId> --concurrency 20 --lease 2m",
    "tenantctl upgrade tenants --env prod --status <rolloutId>",
  ]);
  tenants.action(async (flags: FleetFlags) => {
    const { upgradeAction } = await import("../actions/upgrade");
    await upgradeAction(ctx.io, reporterFor(ctx, flags), flags);
  });
  return withExamples(new Command("upgrade").description("upgrade the fleet").addCommand(tenants), [
    "tenantctl upgrade tenants --image <ref>",
  ]);
}
