/**
 * The action shared by provision and update: validate, open the engine session, apply, report.
 * Validation runs first so bad input exits 2 before a backend, the pulumi CLI or the SDK is touched.
 */
import { UsageError } from "../errors";
import type { Reporter } from "../io";
import type { TenantFlags } from "../tenant-input";
import type { CommandContext } from "../command-line";
import { requestedTenant } from "../tenant-input";
import { checkSecretsProviderOption } from "../orchestration/prerequisites";
import { openEngineSession } from "../orchestration/session";
import { applyTenant } from "../orchestration/apply";
import { confirmYesNo } from "../prompt";
import { costBreakdown } from "../../infra/tiers";
import { changeSummary } from "../progress";
import { describeDefaultImage } from "../orchestration/default-image";
import { provisionFromPool } from "../pool/provision-claim";

export interface ApplyCommand {
  readonly mode: "provision" | "update";
  readonly slug: string;
  readonly flags: TenantFlags;
  readonly dryRun: boolean;
  /** Refresh before the update (`update --refresh`): drift is undone, not only spec changes applied. */
  readonly refresh: boolean;
  readonly yes: boolean;
  readonly secretsProvider: string | undefined;
  readonly installPulumi: boolean;
  readonly retry: string;
  /** provision: claim a ready warm-pool slot when one fits (false with --no-pool). */
  readonly usePool?: boolean;
}

export async function applyAndReport(ctx: CommandContext, reporter: Reporter, command: ApplyCommand): Promise<void> {
  const startedMs = Date.now();
  const requested = await requestedTenant(command.slug, command.flags, ctx.io.env);
  const secretsProvider = checkSecretsProviderOption(command.secretsProvider);
  const session = await openEngineSession(ctx.io, { secretsProvider, installPulumi: command.installPulumi });
  if (command.mode === "provision" && command.usePool === true && !command.dryRun) {
    if (
      await provisionFromPool(ctx.io, reporter, session, {
        requested,
        yes: command.yes,
        retry: command.retry,
        startedMs,
      })
    )
      return;
  }
  let planned = false;
  if (command.mode === "provision" && !command.dryRun && !command.yes && ctx.io.interactive) {
    // The question comes with the plan (counts from a preview, which leaves no trace) and the tier's monthly cost.
    const plan = await applyTenant(session, {
      mode: "provision",
      requested,
      flags: command.flags,
      dryRun: true,
      refresh: false,
      retry: command.retry,
      confirm: () => Promise.resolve(true),
    });
    const cost = costBreakdown(plan.spec.tier, { identitySecret: plan.spec.tenantId !== undefined }).totalUsd;
    reporter.info(`plan for ${plan.spec.slug} (${plan.target.stack}): ${changeSummary(plan.changes, true)}`);
    reporter.info(
      `  tier ${plan.spec.tier}: about $${cost.toFixed(2)}/month (us-east-1 on-demand; shared ALB/NAT not included)`,
    );
    reporter.info(
      `  image ${plan.spec.image}${plan.imageChoice === undefined ? "" : ` (${describeDefaultImage(plan.imageChoice, plan.spec.env)})`}`,
    );
    if (!(await confirmYesNo(ctx.io, `Provision ${command.slug}?`, false))) {
      throw new UsageError(`provision of ${command.slug} declined at the prompt; nothing was changed`);
    }
    planned = true;
  }
  const result = await applyTenant(session, {
    mode: command.mode,
    requested,
    flags: command.flags,
    dryRun: command.dryRun,
    refresh: command.refresh,
    retry: command.retry,
    confirm: async (diff) => {
      for (const line of diff) reporter.info(`  ${line}`);
      if (planned || command.dryRun || (command.mode === "update" && diff.length === 0)) return true;
      const question =
        command.mode === "update" ? `Apply these changes to ${command.slug}?` : `Provision ${command.slug}?`;
      if (await confirmYesNo(ctx.io, question, command.yes)) return true;
      throw new UsageError(`${command.mode} of ${command.slug} declined at the prompt; nothing was changed`);
    },
  });
  const cost = costBreakdown(result.spec.tier, { identitySecret: result.spec.tenantId !== undefined });
  const url = typeof result.outputs.url === "string" ? result.outputs.url : undefined;
  const tokenArn =
    typeof result.outputs.adminTokenSecretArn === "string" ? result.outputs.adminTokenSecretArn : undefined;
  const tokenCommand =
    tokenArn === undefined
      ? undefined
      : `aws secretsmanager get-secret-value --secret-id ${tokenArn} --query SecretString --output text`;
  const document = {
    tenant: result.spec.slug,
    env: result.spec.env,
    stack: result.target.stack,
    dryRun: command.dryRun,
    applied: result.applied,
    url: url ?? null,
    tier: result.spec.tier,
    image: result.spec.pinnedImage ?? result.spec.image,
    imageChoice:
      result.imageChoice === undefined
        ? null
        : {
            source: result.imageChoice.source,
            sharedImage: result.imageChoice.sharedImage,
            running: result.imageChoice.running,
            tenants: result.imageChoice.tenants,
          },
    listenerPriority: result.spec.listenerPriority,
    generation: result.spec.generation,
    monthlyCostUsd: cost.totalUsd,
    specChanges: result.diff,
    resourceChanges: result.changes,
    adminToken: tokenCommand === undefined ? null : { secretArn: tokenArn, command: tokenCommand },
    ...(command.mode === "provision"
      ? { fromPool: false, elapsedSeconds: Math.round((Date.now() - startedMs) / 100) / 10 }
      : {}),
  };
  reporter.result(document, (out) => {
    const summary = changeSummary(result.changes, !result.applied);
    if (command.dryRun) {
      out(`dry run for ${result.spec.slug} (${result.target.stack}): ${summary}; nothing was changed`);
      return;
    }
    out(`${result.spec.slug} is ${command.mode === "provision" ? "provisioned" : "updated"} (${summary})`);
    out(`  url:      ${url ?? "(not reported by the stack)"}`);
    out(
      `  tier:     ${result.spec.tier}, about $${cost.totalUsd.toFixed(2)}/month (us-east-1 on-demand; shared ALB/NAT not included)`,
    );
    out(
      `  image:    ${document.image}${result.imageChoice === undefined ? "" : ` (${describeDefaultImage(result.imageChoice, result.spec.env)})`}`,
    );
    out(`  priority: ${result.spec.listenerPriority} on ${result.spec.loadBalancer}`);
    if (tokenCommand !== undefined) out(`  admin token: ${tokenCommand}`);
  });
}
