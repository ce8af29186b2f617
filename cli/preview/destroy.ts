/**
 * `preview down` (and each removal of `preview gc`): destroy the preview's resources (no final snapshot, secrets
 * force-deleted: the preview program creates them that way), remove its stack, free its listener priority and
 * drop its index entry. A rerun after a failure resumes: each step is idempotent.
 */
import type { PreviewRecord } from "../../infra/preview-naming";
import { NotFoundError } from "../errors";
import { releasePriority } from "../store/priorities";
import { EngineFailure } from "../orchestration/run-engine";
import type { EngineSession } from "../orchestration/session";
import { readSharedOutputs } from "../orchestration/shared-stack";
import { openTenantStack } from "../orchestration/tenant-stack";
import { runCollecting, type ResourceChange } from "./changes";
import { tenantTargetOf } from "./deploy";
import type { PreviewTarget } from "./input";
import { readPreviewEntry, removePreviewEntry, writePreviewEntry } from "./records";
import { readStoredPreview } from "./stored";

export interface PreviewDownRequest {
  readonly target: PreviewTarget;
  readonly retry: string;
  /** Asks the operator once the preview is known to exist (a no-op with --yes). */
  readonly confirm: () => Promise<void>;
}

export interface PreviewDownResult {
  readonly stack: string;
  readonly branch: string;
  readonly record: PreviewRecord | undefined;
  readonly deleted: readonly ResourceChange[];
}

export async function previewDown(session: EngineSession, req: PreviewDownRequest): Promise<PreviewDownResult> {
  const target = tenantTargetOf(req.target);
  const stored = await readStoredPreview(session, req.target);
  if (stored === undefined) {
    // An index entry without a stack is left over from a removal done elsewhere: drop it so list stops showing it.
    if ((await readPreviewEntry(session.store, target.stack)) !== undefined)
      await removePreviewEntry(session.store, target.stack);
    throw new NotFoundError(
      `branch ${JSON.stringify(req.target.branch)} has no preview in env ${target.env} (no stack ${target.stack} in ${session.backend.url})`,
      {
        hint: "see the previews that exist with: tenantctl preview list",
        details: { stack: target.stack },
      },
    );
  }
  await req.confirm();
  const shared = await readSharedOutputs(session, target.env);
  const { spec } = stored;
  const { workspace, stack } = await openTenantStack(
    session,
    target,
    spec,
    shared,
    { forceDeleteSecrets: true },
    stored,
  );
  const run = {
    io: session.io,
    project: target.project,
    stack: target.stack,
    fileRoot: session.backend.fileRoot,
    retry: req.retry,
    title: `preview down: ${req.target.branch} (${target.stack}): destroying; no final snapshot, secrets force-deleted`,
  };
  const entry = stored.entry;
  if (entry !== undefined)
    await writePreviewEntry(session.store, {
      ...entry,
      lastOperation: "down",
      status: "in-progress",
      message: undefined,
    });
  try {
    const outcome = await runCollecting(run, (o) => stack.destroy(o));
    await workspace.removeStack(target.stack);
    await releasePriority(session.store, {
      env: target.env,
      loadBalancer: spec.loadBalancer,
      project: target.project,
      stack: target.stack,
      slug: target.slug,
    });
    await removePreviewEntry(session.store, target.stack);
    return { stack: target.stack, branch: req.target.branch, record: stored.record, deleted: outcome.resources };
  } catch (error: unknown) {
    if (!(error instanceof EngineFailure)) throw error;
    if (entry !== undefined) {
      const status = error.cancelled ? "cancelled" : "failed";
      await writePreviewEntry(session.store, {
        ...entry,
        lastOperation: "down",
        status,
        message: error.translated.message,
      }).catch(() => undefined);
    }
    throw error.translated;
  }
}
