/**
 * The action of `tenantctl synth tenant <slug>`: the tenant program run in-process under the AWS-faithful mocks
 * (infra/sim/) with placeholder shared outputs. The program and the mocks load @pulumi/*, so they are imported here,
 * after the flags are validated.
 */
import { UsageError } from "../errors";
import type { CommandContext, OutputFlags } from "../command-line";
import type { Reporter } from "../io";
import { tenantNames } from "../../infra/naming";
import { costBreakdown } from "../../infra/tiers";
import { placeholderSharedOutputs } from "../placeholder-shared";
import { PRIORITY_FIRST } from "../store/priorities";
import { beforeSdkLoad } from "../orchestration/pulumi-sdk";
import { synthDocument, synthTree } from "../synth-render";
import { asUsageError, parseSpecOrUsage, requestedTenant, type TenantFlags } from "../tenant-input";

export type SynthFlags = TenantFlags & OutputFlags;

export async function synthAction(
  ctx: CommandContext,
  reporter: Reporter,
  slug: string,
  flags: SynthFlags,
): Promise<void> {
  const requested = await requestedTenant(slug, flags, ctx.io.env);
  const shared = placeholderSharedOutputs(requested.spec.env);
  const spec = parseSpecOrUsage({
    ...requested.spec,
    image: requested.imageGiven ? requested.spec.image : shared.imageUri,
    listenerPriority: PRIORITY_FIRST,
  });
  beforeSdkLoad();
  const { tenantProgram } = await import("../../infra/tenant/program");
  const { synthesize } = await import("../../infra/sim/synth");
  const names = tenantNames(spec);
  let result;
  try {
    result = await synthesize(tenantProgram(spec, shared), {
      project: names.project,
      stack: names.stack,
      ctx: { region: shared.region, accountId: shared.accountId },
    });
  } catch (error: unknown) {
    throw asUsageError(error);
  }
  const document = synthDocument(names.stack, result.resources, result.violations);
  const cost = costBreakdown(spec.tier, { identitySecret: spec.tenantId !== undefined });
  reporter.result(document, (out) => {
    out(
      `stack ${names.project}/${names.stack} (placeholder shared stack: ${shared.baseDomain}, account ${shared.accountId})`,
    );
    for (const line of synthTree(result.resources)) out(`  ${line}`);
    out(`${document.resources.length} resources; url https://${slug}.${shared.baseDomain}`);
    out(
      `monthly cost estimate (${spec.tier}): $${cost.totalUsd.toFixed(2)} ` +
        `(compute $${cost.computeUsd.toFixed(2)}, database $${cost.databaseUsd.toFixed(2)}, storage $${cost.storageUsd.toFixed(2)}, secrets $${cost.secretsUsd.toFixed(2)}; us-east-1 on-demand, shared ALB/NAT not included)`,
    );
    for (const v of result.violations) out(`violation: ${v.type} ${v.name}: ${v.code}: ${v.message}`);
  });
  if (result.violations.length > 0) {
    const first = result.violations[0];
    throw new UsageError(
      `${result.violations.length} AWS rule violation(s), first: ${first?.type} ${first?.name}: ${first?.code}: ${first?.message}`,
      { resultPrinted: true },
    );
  }
}
