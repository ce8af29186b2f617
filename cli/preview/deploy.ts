/**
 * `preview up`: the tenant program in preview mode (tier preview, `spec.preview` with branch and expiry) in project
 * tenantctl-previews. The record (created, last deployed, expires) is written before the engine runs, so even a
 * preview whose first deploy failed halfway has an expiry and is found by gc.
 */
import { placeNewTenant } from "../capacity/placement";
import type { PreviewRecord } from "../../infra/preview-naming";
import type { TenantSpec } from "../../infra/spec";
import { ConflictError } from "../errors";
import { claimPriority, giveBackUnlessStackExists } from "../store/priorities";
import { PREVIEWS_PROJECT } from "../orchestration/projects";
import { EngineFailure } from "../orchestration/run-engine";
import type { EngineSession } from "../orchestration/session";
import { plainOutputs, readSharedOutputs } from "../orchestration/shared-stack";
import { nextGeneration } from "../store/teardown-records";
import { openTenantStack, type TenantTarget } from "../orchestration/tenant-stack";
import { DEFAULT_COLOR, parseSpecOrUsage } from "../tenant-input";
import { runCollecting, type ResourceChange } from "./changes";
import { previewDisplayName, type PreviewTarget } from "./input";
import { writePreviewEntry, writeRecordTags, type PreviewIndexEntry } from "./records";
import { readStoredPreview } from "./stored";
import { expiryTagValue, previewBranchConflict, recordDeploy } from "../../infra/preview-naming";

export interface PreviewUpRequest {
  readonly target: PreviewTarget;
  readonly image: string | undefined;
  readonly ttlMs: number;
  readonly now: Date;
  readonly retry: string;
}

export interface PreviewUpResult {
  readonly spec: TenantSpec;
  readonly record: PreviewRecord;
  readonly created: boolean;
  readonly url: string | undefined;
  readonly resources: readonly ResourceChange[];
  readonly changes: Record<string, number>;
}

export function tenantTargetOf(target: PreviewTarget): TenantTarget {
  return { project: PREVIEWS_PROJECT, stack: target.stack, slug: target.slug, env: target.env };
}

export async function previewUp(session: EngineSession, req: PreviewUpRequest): Promise<PreviewUpResult> {
  const target = tenantTargetOf(req.target);
  const shared = await readSharedOutputs(session, target.env);
  const stored = await readStoredPreview(session, req.target);
  const conflict =
    previewBranchConflict(stored?.record, req.target.branch) ??
    (stored !== undefined && stored.spec.preview?.branch !== req.target.branch
      ? `stack ${target.stack} belongs to another branch`
      : undefined);
  if (conflict !== undefined)
    throw new ConflictError(conflict, {
      hint: "two branches map to one preview only if a record was edited by hand; remove it with preview down",
    });
  const record = recordDeploy(stored?.record, {
    branch: req.target.branch,
    env: target.env,
    now: req.now,
    ttlMs: req.ttlMs,
  });
  // A new preview takes capacity seats like a new tenant (docs/fleet.md): exit 5 before a limit would be crossed.
  const loadBalancer =
    stored?.spec.loadBalancer ??
    (await placeNewTenant(session.store, target.env, shared, session.io.env, {
      self: { project: target.project, stack: target.stack, slug: target.slug },
      now: req.now,
    }));
  // A new preview holds seats from here on; a failure that leaves no stack gives them back.
  const giveBack = async (error: unknown): Promise<never> => {
    if (stored === undefined)
      await giveBackUnlessStackExists(session.store, session.backend, {
        env: target.env,
        loadBalancer,
        project: target.project,
        stack: target.stack,
        slug: target.slug,
      });
    throw error;
  };
  const priority = await claimPriority(session.store, {
    env: target.env,
    loadBalancer,
    project: target.project,
    stack: target.stack,
    slug: target.slug,
    current: stored?.spec.listenerPriority,
    now: req.now,
  }).catch(giveBack);
  // The spec carries the day-rounded expiry that becomes the resources' `expires-at` tag (see expiryTagValue).
  const generation = stored?.spec.generation ?? (await nextGeneration(session.store, target.project, target.stack));
  let spec: TenantSpec;
  try {
    spec = parseSpecOrUsage({
      slug: target.slug,
      displayName: previewDisplayName(req.target.branch),
      env: target.env,
      tier: "preview",
      skin: stored?.spec.skin ?? { primaryColor: DEFAULT_COLOR },
      image: req.image ?? stored?.spec.image ?? shared.imageUri,
      preview: { branch: req.target.branch, expiresAt: expiryTagValue(record.expiresAt) },
      listenerPriority: priority,
      loadBalancer,
      generation,
    });
  } catch (error: unknown) {
    return giveBack(error);
  }
  const { stack } = await openTenantStack(session, target, spec, shared, {}, stored).catch(giveBack);
  const entry = (status: PreviewIndexEntry["status"], extra: Partial<PreviewIndexEntry> = {}): PreviewIndexEntry => ({
    record,
    url: stored?.url,
    image: spec.image,
    lastOperation: "up",
    status,
    message: undefined,
    spec,
    ...extra,
  });
  await writePreviewEntry(session.store, entry("in-progress"));
  await writeRecordTags(stack, record, (line) => session.io.stderr.write(`warning: ${line}\n`));
  const run = {
    io: session.io,
    project: target.project,
    stack: target.stack,
    fileRoot: session.backend.fileRoot,
    retry: req.retry,
    title: `preview ${stored?.deployedSpec === undefined ? "create" : "update"}: ${req.target.branch} (${target.stack}) in ${session.backend.url}`,
  };
  try {
    const outcome = await runCollecting(run, (o) => stack.up(o));
    const outputs = plainOutputs(outcome.result.outputs);
    const url = typeof outputs.url === "string" ? outputs.url : undefined;
    await writePreviewEntry(session.store, entry("succeeded", { url }));
    return {
      spec,
      record,
      created: stored?.deployedSpec === undefined,
      url,
      resources: outcome.resources,
      changes: outcome.changes,
    };
  } catch (error: unknown) {
    if (!(error instanceof EngineFailure)) throw error;
    const status = error.cancelled ? "cancelled" : "failed";
    await writePreviewEntry(session.store, entry(status, { message: error.translated.message })).catch(() => undefined);
    throw error.translated;
  }
}
