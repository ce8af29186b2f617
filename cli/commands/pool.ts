/**
 * `tenantctl pool fill|status|drain`: the warm pool of ready, unassigned tenant stacks that `provision tenant`
 * claims so a new customer is served without waiting for RDS and ECS (docs/infra.md, "The warm pool").
 * Logic in cli/pool/.
 */
import { Command, Option } from "commander";
import { UsageError } from "../errors";
import type { Reporter } from "../io";
import {
  commandLine, reporterFor, withBackend, withEnv, withExamples, withJson,
  type BackendFlags, type CommandContext, type OutputFlags,
} from "./common";

type PoolFlags = OutputFlags & BackendFlags & { readonly env?: string; readonly tier?: string; readonly size?: string; readonly image?: string; readonly check?: boolean; readonly yes?: boolean };

async function session(ctx: CommandContext, flags: PoolFlags) {
  const { checkSecretsProviderOption } = await import("../orchestration/prerequisites");
  const secretsProvider = checkSecretsProviderOption(flags.secretsProvider);
  const { openEngineSession } = await import("../orchestration/session");
  return openEngineSession(ctx.io, { secretsProvider, installPulumi: flags.installPulumi ?? false });
}

async function checked(ctx: CommandContext, flags: PoolFlags, sizeMin: number | undefined): Promise<{ env: string; tier: "basic" | "standard" | "premium"; size: number | undefined }> {
  const { checkPoolFlags, poolSizeProblem, poolTierProblem } = await import("../pool/input");
  const { checkEnv, envOrDefault } = await import("../tenant-input");
  const env = envOrDefault(flags.env, ctx.io.env);
  checkPoolFlags([poolTierProblem(flags.tier), sizeMin === undefined ? undefined : poolSizeProblem(flags.size, sizeMin)]);
  await checkEnv(env);
  if (flags.image !== undefined) {
    const { imageProblem } = await import("../../infra/spec-rules");
    const problem = imageProblem(flags.image);
    if (problem !== undefined) throw new UsageError(`--image: ${problem}`);
  }
  return { env, tier: flags.tier as "basic" | "standard" | "premium", size: flags.size === undefined ? undefined : Number.parseInt(flags.size, 10) };
}

function fill(ctx: CommandContext): Command {
  const command = withJson(withBackend(withEnv(new Command("fill").description("create ready, unassigned tenant stacks until the tier has --size of them").allowExcessArguments(false))))
    .addOption(new Option("--tier <tier>", "basic | standard | premium"))
    .addOption(new Option("--size <n>", "how many ready slots the tier should have (0-50)"))
    .addOption(new Option("--image <ref>", "app image of new slots (default: what the env's tenants run)"))
    .option("--check", "check the existing slots' health first (a refresh preview each); unhealthy ones are not counted")
    .option("-y, --yes", "accepted for scripts; fill creates and never deletes, so it asks nothing");
  withExamples(command, ["tenantctl pool fill --env prod --tier standard --size 3", "tenantctl pool fill --tier basic --size 2 --check --json"]);
  command.action(async (flags: PoolFlags) => {
    const { env, tier, size } = await checked(ctx, flags, 0);
    const s = await session(ctx, flags);
    const { fillPool } = await import("../pool/fill");
    const result = await fillPool(s, { env, tier, size: size ?? 0, image: flags.image, check: flags.check ?? false, retry: commandLine(["pool", "fill"], { ...flags }) });
    reporterFor(ctx, flags).result(result, (out) => {
      out(`pool ${env}/${tier}: ${result.existing + result.created.length} ready of ${size ?? 0} (${result.created.length} created${result.created.length > 0 ? `: ${result.created.join(", ")}` : ""})`);
      for (const u of result.unusable) out(`  not counted: ${u.tenantId} (${u.reason}); remove with: tenantctl pool drain --env ${env} --tier ${tier}`);
    });
  });
  return command;
}

function status(ctx: CommandContext): Command {
  const command = withJson(withBackend(withEnv(new Command("status").description("list the unassigned slots: tier, age, health, monthly cost").allowExcessArguments(false))))
    .option("--check", "check every slot's health first (a refresh preview of its stack)");
  withExamples(command, ["tenantctl pool status --env prod", "tenantctl pool status --check --json"]);
  command.action(async (flags: PoolFlags) => {
    const { checkEnv, envOrDefault } = await import("../tenant-input");
    const env = envOrDefault(flags.env, ctx.io.env);
    await checkEnv(env);
    const { poolStatus } = await import("../pool/status");
    const result = await poolStatus(await session(ctx, flags), env, flags.check ?? false, commandLine(["pool", "status"], { ...flags }));
    await report(reporterFor(ctx, flags), result);
  });
  return command;
}

async function report(reporter: Reporter, result: import("../pool/status").PoolStatus): Promise<void> {
  const { renderTable, shortImage } = await import("../table");
  reporter.result(result, (out) => {
    for (const slug of result.finishedClaims) out(`finished an interrupted claim: ${slug}`);
    for (const c of result.stuckClaims) out(`interrupted claim of slot ${c.tenantId} for ${c.slug} cannot be finished yet: ${c.error}`);
    const tiers = Object.entries(result.tiers).map(([t, v]) => `${t} ${v.ready}/${v.slots} ready`).join(", ");
    out(`pool ${result.env}: ${tiers}; idle cost about $${result.monthlyCostUsd.toFixed(2)}/month`);
    if (result.slots.length === 0) return;
    const hours = (s: number): string => `${(s / 3600).toFixed(1)}h`;
    out(renderTable(["SLOT", "TIER", "AGE", "STATE", "IMAGE", "USD/MONTH", "WHY"],
      result.slots.map((r) => [r.tenantId, r.tier, hours(r.ageSeconds), r.state, shortImage(r.image), r.monthlyCostUsd.toFixed(2), r.reason ?? ""])));
  });
}

function drain(ctx: CommandContext): Command {
  const command = withJson(withBackend(withEnv(new Command("drain").description("remove unassigned slots of a tier (no final snapshot: they never held customer data)").allowExcessArguments(false))))
    .addOption(new Option("--tier <tier>", "basic | standard | premium"))
    .addOption(new Option("--size <n>", "how many slots to remove (default: all of the tier; unusable ones first)"))
    .option("-y, --yes", "remove without asking (required without a terminal)");
  withExamples(command, ["tenantctl pool drain --env dev --tier basic", "tenantctl pool drain --tier standard --size 1 --yes --json"]);
  command.action(async (flags: PoolFlags) => {
    const { env, tier, size } = await checked(ctx, { ...flags, size: flags.size }, flags.size === undefined ? undefined : 1);
    if (!ctx.io.interactive && flags.yes !== true) {
      throw new UsageError("pool drain deletes slots and needs a confirmation: run it on a terminal or pass --yes; nothing was changed");
    }
    const s = await session(ctx, flags);
    const { drainPool, planDrain } = await import("../pool/drain");
    const plan = await planDrain(s, env, tier, size);
    const reporter = reporterFor(ctx, flags);
    reporter.info(`pool drain ${env}/${tier}: ${plan.slots.length} slot(s) to remove: ${plan.slots.map((x) => x.tenantId).join(", ") || "none"}`);
    reporter.info("  no final snapshot is taken: a slot never held customer data");
    const { confirmYesNo } = await import("../prompt");
    if (plan.slots.length > 0 && !(await confirmYesNo(ctx.io, `Remove ${plan.slots.length} slot(s)?`, flags.yes ?? false))) {
      throw new UsageError("pool drain declined at the prompt; nothing was changed");
    }
    const result = await drainPool(s, plan, commandLine(["pool", "drain"], { ...flags }));
    reporter.result({ env, tier, ...result, finalSnapshots: "none: the slots never held customer data" }, (out) => {
      out(`pool ${env}/${tier}: removed ${result.removed.length} slot(s)${result.removed.length > 0 ? ` (${result.removed.join(", ")})` : ""}; no final snapshot (never held customer data)`);
      if (result.skipped.length > 0) out(`  left to a provision that claimed them meanwhile: ${result.skipped.join(", ")}`);
    });
  });
  return command;
}

export function poolCommand(ctx: CommandContext): Command {
  const command = new Command("pool").description("the warm pool: ready, unassigned tenant stacks that provision claims");
  for (const sub of [fill(ctx), status(ctx), drain(ctx)]) command.addCommand(sub);
  return withExamples(command, ["tenantctl pool fill --env prod --tier standard --size 3", "tenantctl pool status", "tenantctl pool drain --tier basic --yes"]);
}
