/**
 * One tenant's part of a rollout, run inside a worker process: the stored spec with the new image (and, with
 * --include-pinned, without its pin) → `up` → the tenant index updated like `update tenant` does. A pinned tenant is
 * reported and left alone. Built from the CLI's orchestration pieces so it behaves exactly like `update tenant`.
 */
import type { TenantSpec } from "../../infra/spec";
import { NotFoundError } from "../errors";
import type { Io } from "../io";
import { parseSpecOrUsage } from "../tenant-input";
import { openEngineSession } from "../orchestration/session";
import { plainOutputs } from "../orchestration/shared-stack";
import { runStackOperation } from "../orchestration/stack-operation";
import { openTenantStack, readStoredTenant, tenantTarget } from "../orchestration/tenant-stack";
import type { UpgradeRequest, UpgradeValue } from "./worker-protocol";

/** The spec a rollout deploys: new image, pin kept (pinned tenants are skipped) or dropped with includePinned. */
export async function upgradedSpec(spec: TenantSpec, image: string, includePinned: boolean): Promise<TenantSpec> {
  const { pinnedImage: _pin, ...unpinned } = spec;
  return parseSpecOrUsage({ ...(includePinned ? unpinned : spec), image });
}

export async function upgradeTenant(io: Io, req: UpgradeRequest): Promise<UpgradeValue> {
  const session = await openEngineSession(io, { secretsProvider: req.secretsProvider, installPulumi: false });
  const target = tenantTarget(req.slug, req.env);
  const stored = await readStoredTenant(session, target);
  if (stored === undefined) {
    throw new NotFoundError(`tenant ${req.slug} does not exist in env ${req.env}`, {
      hint: "rebuild the tenant index with: tenantctl list tenants --refresh",
    });
  }
  const previousImage = stored.spec.pinnedImage ?? stored.spec.image;
  if (stored.spec.pinnedImage !== undefined && !req.includePinned) {
    return {
      kind: "upgrade",
      previousImage,
      pinned: true,
      url: typeof stored.outputs.url === "string" ? stored.outputs.url : null,
      changes: {},
    };
  }
  const spec = await upgradedSpec(stored.spec, req.image, req.includePinned);
  const shared = req.shared;
  const { stack } = await openTenantStack(session, target, spec, shared, {}, stored);
  const op = {
    ...target,
    spec,
    operation: "update" as const,
    retry: req.retry,
    message: `upgrade to ${req.image}`,
    inspect: () => stack.exportStack(),
  };
  return runStackOperation(session, op, async (step) => {
    const outcome = await step(`upgrading ${req.slug} (${target.stack}) to ${req.image}`, (o) => stack.up(o));
    const outputs = plainOutputs(outcome.result.outputs);
    const url = typeof outputs.url === "string" ? outputs.url : undefined;
    const result: UpgradeValue = {
      kind: "upgrade",
      previousImage,
      pinned: false,
      url: url ?? null,
      changes: outcome.changes,
    };
    return { result, url, message: `upgraded from ${previousImage}` };
  });
}
