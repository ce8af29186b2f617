/**
 * One tenant's drift check, run inside a worker process: `pulumi refresh --preview-only` on its stack (no program
 * runs, nothing is written) and the resources whose real state differs from the recorded one.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { NotFoundError } from "../errors";
import type { Io } from "../io";
import { urnParts } from "../progress";
import { runEngine } from "../orchestration/run-engine";
import { openEngineSession } from "../orchestration/session";
import { tenantTarget } from "../orchestration/tenant-stack";
import { openWorkspace, selectExisting } from "../orchestration/workspace";
import type { DriftRequest, DriftValue, DriftedResource } from "./worker-protocol";

/** A refresh step that found a difference: an explicit update/delete op, or a refresh step carrying diffs. */
export function driftedFromEvent(event: EngineEvent): DriftedResource | undefined {
  const meta = event.resOutputsEvent?.metadata;
  if (meta === undefined || meta.type === "pulumi:pulumi:Stack" || meta.type.startsWith("pulumi:providers:"))
    return undefined;
  const keys = meta.diffs ?? meta.keys ?? [];
  const gone = meta.op === "delete" || (meta.op === "refresh" && meta.old !== undefined && meta.new === undefined);
  const op = gone ? "delete" : meta.op === "update" || keys.length > 0 ? "update" : undefined;
  if (op === undefined) return undefined;
  const { name } = urnParts(meta.urn);
  return { type: meta.type, name, op, keys: [...keys] };
}

export async function checkTenantDrift(io: Io, req: DriftRequest): Promise<DriftValue> {
  const session = await openEngineSession(io, { secretsProvider: req.secretsProvider, installPulumi: false });
  const target = tenantTarget(req.slug, req.env);
  const workspace = await openWorkspace(session.workspace, target.project, undefined);
  const stack = await selectExisting(workspace, target.stack);
  if (stack === undefined) {
    throw new NotFoundError(`tenant ${req.slug} has no stack ${target.stack}`, {
      hint: "rebuild the tenant index with: tenantctl list tenants --refresh",
    });
  }
  const drifted = new Map<string, DriftedResource>();
  const run = {
    io,
    project: target.project,
    stack: target.stack,
    fileRoot: session.backend.fileRoot,
    retry: req.retry,
  };
  const outcome = await runEngine({ ...run, title: `checking drift of ${req.slug} (${target.stack})` }, (o) =>
    stack.previewRefresh({
      ...o,
      onEvent: (event) => {
        o.onEvent(event);
        const found = driftedFromEvent(event);
        if (found !== undefined) drifted.set(`${found.type}::${found.name}`, found);
      },
    }),
  );
  return { kind: "drift", drifted: [...drifted.values()], changes: outcome.changes };
}
