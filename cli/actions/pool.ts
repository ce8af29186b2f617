/**
 * The actions of `tenantctl pool fill|status|drain`: validate, open the engine session, run the pool logic
 * (cli/pool/), report. Design in docs/infra.md, "The warm pool".
 */
import { commandLine, type BackendFlags, type CommandContext, type OutputFlags } from "../command-line";
import { checkEnv, envOrDefault } from "../env-input";
import { UsageError } from "../errors";
import type { Reporter } from "../io";
import { checkSecretsProviderOption } from "../orchestration/prerequisites";
import { openEngineSession, type EngineSession } from "../orchestration/session";
import { drainPool, planDrain } from "../pool/drain";
import { fillPool } from "../pool/fill";
import { checkPoolFlags, poolSizeProblem, poolTierProblem } from "../pool/input";
import { poolStatus, type PoolStatus } from "../pool/status";
import { confirmYesNo } from "../prompt";
import { renderTable, shortImage } from "../table";
import { imageProblem } from "../../infra/spec-rules";

export type PoolFlags = OutputFlags &
  BackendFlags & {
    readonly env?: string;
    readonly tier?: string;
    readonly size?: string;
    readonly image?: string;
    readonly check?: boolean;
    readonly yes?: boolean;
  };

type PoolTier = "basic" | "standard" | "premium";

function openSession(ctx: CommandContext, flags: PoolFlags): Promise<EngineSession> {
  const secretsProvider = checkSecretsProviderOption(flags.secretsProvider);
  return openEngineSession(ctx.io, { secretsProvider, installPulumi: flags.installPulumi ?? false });
}

function checked(
  ctx: CommandContext,
  flags: PoolFlags,
  sizeMin: number | undefined,
): { env: string; tier: PoolTier; size: number | undefined } {
  const env = envOrDefault(flags.env, ctx.io.env);
  checkPoolFlags([
    poolTierProblem(flags.tier),
    sizeMin === undefined ? undefined : poolSizeProblem(flags.size, sizeMin),
  ]);
  checkEnv(env);
  if (flags.image !== undefined) {
    const problem = imageProblem(flags.image);
    if (problem !== undefined) throw new UsageError(`--image: ${problem}`);
  }
  return {
    env,
    tier: flags.tier as PoolTier,
    size: flags.size === undefined ? undefined : Number.parseInt(flags.size, 10),
  };
}

export async function poolFillAction(ctx: CommandContext, reporter: Reporter, flags: PoolFlags): Promise<void> {
  const { env, tier, size } = checked(ctx, flags, 0);
  const session = await openSession(ctx, flags);
  const result = await fillPool(session, {
    env,
    tier,
    size: size ?? 0,
    image: flags.image,
    check: flags.check ?? false,
    retry: commandLine(["pool", "fill"], { ...flags }),
  });
  reporter.result(result, (out) => {
    out(
      `pool ${env}/${tier}: ${result.existing + result.created.length} ready of ${size ?? 0} (${result.created.length} created${result.created.length > 0 ? `: ${result.created.join(", ")}` : ""})`,
    );
    for (const u of result.unusable)
      out(`  not counted: ${u.tenantId} (${u.reason}); remove with: tenantctl pool drain --env ${env} --tier ${tier}`);
  });
}

export async function poolStatusAction(ctx: CommandContext, reporter: Reporter, flags: PoolFlags): Promise<void> {
  const env = envOrDefault(flags.env, ctx.io.env);
  checkEnv(env);
  const result = await poolStatus(
    await openSession(ctx, flags),
    env,
    flags.check ?? false,
    commandLine(["pool", "status"], { ...flags }),
  );
  report(reporter, result);
}

function report(reporter: Reporter, result: PoolStatus): void {
  reporter.result(result, (out) => {
    for (const slug of result.finishedClaims) out(`finished an interrupted claim: ${slug}`);
    for (const c of result.stuckClaims)
      out(`interrupted claim of slot ${c.tenantId} for ${c.slug} cannot be finished yet: ${c.error}`);
    const tiers = Object.entries(result.tiers)
      .map(([t, v]) => `${t} ${v.ready}/${v.slots} ready`)
      .join(", ");
    out(`pool ${result.env}: ${tiers}; idle cost about $${result.monthlyCostUsd.toFixed(2)}/month`);
    if (result.slots.length === 0) return;
    const hours = (s: number): string => `${(s / 3600).toFixed(1)}h`;
    out(
      renderTable(
        ["SLOT", "TIER", "AGE", "STATE", "IMAGE", "USD/MONTH", "WHY"],
        result.slots.map((r) => [
          r.tenantId,
          r.tier,
          hours(r.ageSeconds),
          r.state,
          shortImage(r.image),
          r.monthlyCostUsd.toFixed(2),
          r.reason ?? "",
        ]),
      ),
    );
  });
}

export async function poolDrainAction(ctx: CommandContext, reporter: Reporter, flags: PoolFlags): Promise<void> {
  const { env, tier, size } = checked(ctx, flags, flags.size === undefined ? undefined : 1);
  if (!ctx.io.interactive && flags.yes !== true) {
    throw new UsageError(
      "pool drain deletes slots and needs a confirmation: run it on a terminal or pass --yes; nothing was changed",
    );
  }
  const session = await openSession(ctx, flags);
  const plan = await planDrain(session, env, tier, size);
  reporter.info(
    `pool drain ${env}/${tier}: ${plan.slots.length} slot(s) to remove: ${plan.slots.map((x) => x.tenantId).join(", ") || "none"}`,
  );
  reporter.info("  no final snapshot is taken: a slot never held customer data");
  if (
    plan.slots.length > 0 &&
    !(await confirmYesNo(ctx.io, `Remove ${plan.slots.length} slot(s)?`, flags.yes ?? false))
  ) {
    throw new UsageError("pool drain declined at the prompt; nothing was changed");
  }
  const result = await drainPool(session, plan, commandLine(["pool", "drain"], { ...flags }));
  reporter.result({ env, tier, ...result, finalSnapshots: "none: the slots never held customer data" }, (out) => {
    out(
      `pool ${env}/${tier}: removed ${result.removed.length} slot(s)${result.removed.length > 0 ? ` (${result.removed.join(", ")})` : ""}; no final snapshot (never held customer data)`,
    );
    if (result.skipped.length > 0)
      out(`  left to a provision that claimed them meanwhile: ${result.skipped.join(", ")}`);
  });
}
