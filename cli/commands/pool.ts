/**
 * `tenantctl pool fill|status|drain`: the warm pool of ready, unassigned tenant stacks that `provision tenant`
 * claims so a new customer is served without waiting for RDS and ECS (docs/infra.md, "The warm pool").
 * The actions are in cli/actions/pool.ts, the logic in cli/pool/.
 */
import { Command, Option } from "commander";
import type { PoolFlags } from "../actions/pool";
import type { CommandContext } from "../command-line";
import { reporterFor, withBackend, withEnv, withExamples, withJson } from "./common";

function fill(ctx: CommandContext): Command {
  const command = withJson(
    withBackend(
      withEnv(
        new Command("fill")
          .description("create ready, unassigned tenant stacks until the tier has --size of them")
          .allowExcessArguments(false),
      ),
    ),
  )
    .addOption(new Option("--tier <tier>", "basic | standard | premium"))
    .addOption(new Option("--size <n>", "how many ready slots the tier should have (0-50)"))
    .addOption(new Option("--image <ref>", "app image of new slots (default: what the env's tenants run)"))
    .option(
      "--check",
      "check the existing slots' health first (a refresh preview each); unhealthy ones are not counted",
    )
    .option("-y, --yes", "accepted for scripts; fill creates and never deletes, so it asks nothing");
  withExamples(command, [
    "tenantctl pool fill --env prod --tier standard --size 3",
    "tenantctl pool fill --tier basic --size 2 --check --json",
  ]);
  command.action(async (flags: PoolFlags) => {
    const { poolFillAction } = await import("../actions/pool");
    await poolFillAction(ctx, reporterFor(ctx, flags), flags);
  });
  return command;
}

function status(ctx: CommandContext): Command {
  const command = withJson(
    withBackend(
      withEnv(
        new Command("status")
          .description("list the unassigned slots: tier, age, health, monthly cost")
          .allowExcessArguments(false),
      ),
    ),
  ).option("--check", "check every slot's health first (a refresh preview of its stack)");
  withExamples(command, ["tenantctl pool status --env prod", "tenantctl pool status --check --json"]);
  command.action(async (flags: PoolFlags) => {
    const { poolStatusAction } = await import("../actions/pool");
    await poolStatusAction(ctx, reporterFor(ctx, flags), flags);
  });
  return command;
}

function drain(ctx: CommandContext): Command {
  const command = withJson(
    withBackend(
      withEnv(
        new Command("drain")
          .description("remove unassigned slots of a tier (no final snapshot: they never held customer data)")
          .allowExcessArguments(false),
      ),
    ),
  )
    .addOption(new Option("--tier <tier>", "basic | standard | premium"))
    .addOption(new Option("--size <n>", "how many slots to remove (default: all of the tier; unusable ones first)"))
    .option("-y, --yes", "remove without asking (required without a terminal)");
  withExamples(command, [
    "tenantctl pool drain --env dev --tier basic",
    "tenantctl pool drain --tier standard --size 1 --yes --json",
  ]);
  command.action(async (flags: PoolFlags) => {
    const { poolDrainAction } = await import("../actions/pool");
    await poolDrainAction(ctx, reporterFor(ctx, flags), flags);
  });
  return command;
}

export function poolCommand(ctx: CommandContext): Command {
  const command = new Command("pool").description(
    "the warm pool: ready, unassigned tenant stacks that provision claims",
  );
  for (const sub of [fill(ctx), status(ctx), drain(ctx)]) command.addCommand(sub);
  return withExamples(command, [
    "tenantctl pool fill --env prod --tier standard --size 3",
    "tenantctl pool status",
    "tenantctl pool drain --tier basic --yes",
  ]);
}
