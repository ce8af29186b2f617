/**
 * `tenantctl synth tenant <slug>`: runs the tenant program in-process under the AWS-faithful mocks with
 * placeholder shared outputs. Touches no backend, no pulumi CLI, no AWS. Exit 2 when AWS's rules are broken.
 */
import { Command } from "commander";
import { UsageError } from "../errors";
import type { TenantFlags } from "../tenant-input";
import { nounCommand, reporterFor, withEnv, withExamples, withJson, withTenantFlags, type CommandContext, type OutputFlags } from "./common";

type SynthFlags = TenantFlags & OutputFlags;

async function synthAction(ctx: CommandContext, slug: string, flags: SynthFlags): Promise<void> {
  const reporter = reporterFor(ctx, flags);
  const { requestedTenant, parseSpecOrUsage, asUsageError } = await import("../tenant-input");
  const requested = await requestedTenant(slug, flags, ctx.io.env);
  const { placeholderSharedOutputs } = await import("../placeholder-shared");
  const { PRIORITY_FIRST } = await import("../orchestration/priorities");
  const shared = placeholderSharedOutputs(requested.spec.env);
  const spec = await parseSpecOrUsage({
    ...requested.spec,
    image: requested.imageGiven ? requested.spec.image : shared.imageUri,
    listenerPriority: PRIORITY_FIRST,
  });
  const { tenantNames } = await import("../../infra/naming");
  const { tenantProgram } = await import("../../infra/tenant/program");
  const { synthesize } = await import("../../infra/sim/synth");
  const names = tenantNames(spec);
  let result;
  try {
    result = await synthesize(tenantProgram(spec, shared), { project: names.project, stack: names.stack, ctx: { region: shared.region, accountId: shared.accountId } });
  } catch (error: unknown) {
    throw await asUsageError(error);
  }
  const { synthDocument, synthTree } = await import("../synth-render");
  const { costBreakdown } = await import("../../infra/tiers");
  const document = synthDocument(names.stack, result.resources, result.violations);
  const cost = costBreakdown(spec.tier);
  reporter.result(document, (out) => {
    out(`stack ${names.project}/${names.stack} (placeholder shared stack: ${shared.baseDomain}, account ${shared.accountId})`);
    for (const line of synthTree(result.resources)) out(`  ${line}`);
    out(`${document.resources.length} resources; url https://${slug}.${shared.baseDomain}`);
    out(`monthly cost estimate (${spec.tier}): $${cost.totalUsd.toFixed(2)} ` +
      `(compute $${cost.computeUsd.toFixed(2)}, database $${cost.databaseUsd.toFixed(2)}, storage $${cost.storageUsd.toFixed(2)}, secrets $${cost.secretsUsd.toFixed(2)}; us-east-1 on-demand, shared ALB/NAT not included)`);
    for (const v of result.violations) out(`violation: ${v.type} ${v.name}: ${v.code}: ${v.message}`);
  });
  if (result.violations.length > 0) {
    const first = result.violations[0];
    throw new UsageError(`${result.violations.length} AWS rule violation(s), first: ${first?.type} ${first?.name}: ${first?.code}: ${first?.message}`, { resultPrinted: true });
  }
}

export function synthCommand(ctx: CommandContext): Command {
  const tenant = withJson(withEnv(withTenantFlags(nounCommand("tenant", "show what a tenant stack would contain, checked against AWS's rules; no cloud needed"))))
    .argument("<slug>", "tenant slug (3-21 lowercase letters, digits, hyphens)");
  withExamples(tenant, [
    "tenantctl synth tenant acme",
    "tenantctl synth tenant acme --tier premium --json | jq '.resources | length'",
  ]);
  tenant.action((slug: string, flags: SynthFlags) => synthAction(ctx, slug, flags));
  return withExamples(new Command("synth").description("synthesize a stack in-process under AWS-faithful mocks").addCommand(tenant), ["tenantctl synth tenant acme --json"]);
}
