/**
 * The warm-pool path of `provision tenant`: claim a slot and report like a provision (plus `fromPool`, the slot and
 * the elapsed seconds), or say that none fits so the caller provisions cold.
 */
import { costBreakdown } from "../../infra/tiers";
import { UsageError } from "../errors";
import type { Io, Reporter } from "../io";
import type { EngineSession } from "../orchestration/session";
import { changeSummary } from "../progress";
import type { RequestedTenant } from "../tenant-input";
import { tenantTarget } from "../orchestration/tenant-stack";
import { confirmYesNo } from "../prompt";
import { stackExists } from "../store/stack-files";
import { claimFromPool, slotFits } from "./claim";
import { listSlots } from "./records";

export interface PoolProvision {
  readonly requested: RequestedTenant;
  readonly yes: boolean;
  readonly retry: string;
  /** When the command started (ms since epoch), for `elapsedSeconds`. */
  readonly startedMs: number;
}

/** True when the tenant was provisioned from the pool (and reported); false when no slot fits. */
export async function provisionFromPool(
  io: Io,
  reporter: Reporter,
  session: EngineSession,
  req: PoolProvision,
): Promise<boolean> {
  const slug = req.requested.spec.slug;
  const slots = await listSlots(session.store, req.requested.spec.env);
  // No pool in this env, or the tenant exists already (provision converges it): the normal path, silently.
  if (slots.length === 0) return false;
  const target = tenantTarget(slug, req.requested.spec.env);
  if ((await stackExists(session.backend, target.project, target.stack)) !== false) return false;
  if (!slots.some((s) => slotFits(s, req.requested))) {
    reporter.info(
      `no ready ${req.requested.spec.tier} slot in the warm pool of ${req.requested.spec.env}: provisioning ${slug} cold`,
    );
    return false;
  }
  if (
    !(await confirmYesNo(
      io,
      `Provision ${slug} from a ready ${req.requested.spec.tier} slot of the warm pool?`,
      req.yes,
    ))
  ) {
    throw new UsageError(`provision of ${slug} declined at the prompt; nothing was changed`);
  }
  const claimed = await claimFromPool(session, req.requested, req.retry);
  if (claimed === undefined) {
    reporter.info(`the ready slots were claimed by others meanwhile: provisioning ${slug} cold`);
    return false;
  }
  const { spec, outputs } = claimed;
  const elapsedSeconds = Math.round((Date.now() - req.startedMs) / 100) / 10;
  const cost = costBreakdown(spec.tier, { identitySecret: spec.tenantId !== undefined });
  const url = typeof outputs.url === "string" ? outputs.url : undefined;
  const tokenArn = typeof outputs.adminTokenSecretArn === "string" ? outputs.adminTokenSecretArn : undefined;
  const tokenCommand =
    tokenArn === undefined
      ? undefined
      : `aws secretsmanager get-secret-value --secret-id ${tokenArn} --query SecretString --output text`;
  const document = {
    tenant: spec.slug,
    env: spec.env,
    stack: claimed.stack,
    dryRun: false,
    applied: true,
    url: url ?? null,
    tier: spec.tier,
    image: spec.pinnedImage ?? spec.image,
    imageChoice: null,
    listenerPriority: spec.listenerPriority,
    generation: spec.generation,
    monthlyCostUsd: cost.totalUsd,
    specChanges: [],
    resourceChanges: claimed.changes,
    adminToken: tokenCommand === undefined ? null : { secretArn: tokenArn, command: tokenCommand },
    fromPool: true,
    poolSlot: claimed.tenantId,
    tenantId: claimed.tenantId,
    elapsedSeconds,
  };
  reporter.result(document, (out) => {
    out(
      `${spec.slug} is provisioned from warm-pool slot ${claimed.tenantId} in ${elapsedSeconds.toFixed(1)} s (${changeSummary(claimed.changes, false)})`,
    );
    out(`  url:      ${url ?? "(not reported by the stack)"}`);
    out(
      `  tier:     ${spec.tier}, about $${cost.totalUsd.toFixed(2)}/month (us-east-1 on-demand; shared ALB/NAT not included)`,
    );
    out(`  image:    ${document.image}`);
    out(`  priority: ${spec.listenerPriority} on ${spec.loadBalancer}`);
    if (tokenCommand !== undefined) out(`  admin token: ${tokenCommand}`);
  });
  return true;
}
