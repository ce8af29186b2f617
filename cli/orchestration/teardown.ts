/**
 * teardown: loses nothing. (1) an update lifts deletion protection (and, if asked, the secrets' recovery window),
 * (2) the state is exported and archived (secrets stay encrypted), (3) destroy takes the RDS final snapshot,
 * (4) the stack is removed (unless --keep-stack), its priority released, a teardown record written.
 * Rerunning after a failure resumes: each step is idempotent.
 */
import { NotFoundError, OperationFailedError } from "../errors";
import { archiveKey, teardownKey, type TeardownRecord } from "../store/teardown-records";
import { exportStackEncrypted, finalSnapshotFromState, plaintextSecretPaths } from "../store/archive";
import { releasePriority } from "../store/priorities";
import type { EngineSession } from "./session";
import { readSharedOutputs } from "./shared-stack";
import { runStackOperation } from "./stack-operation";
import { removeIndexEntry } from "../store/tenant-index";
import { engineEnv } from "./workspace";
import { openTenantStack, readStoredTenant, tenantTarget, type TenantTarget } from "./tenant-stack";
import { hostname } from "node:os";

export interface TeardownRequest {
  readonly slug: string;
  readonly env: string;
  readonly keepStack: boolean;
  readonly forceDeleteSecrets: boolean;
  readonly retry: string;
  /** Asks the operator (typed slug) once the tenant is known to exist. */
  readonly confirm: () => Promise<void>;
}

export interface TeardownResult {
  readonly target: TenantTarget;
  readonly record: TeardownRecord;
  readonly recordKey: string;
}

export async function teardownTenant(session: EngineSession, req: TeardownRequest): Promise<TeardownResult> {
  const target = tenantTarget(req.slug, req.env);
  const stored = await readStoredTenant(session, target);
  if (stored === undefined) {
    throw new NotFoundError(
      `tenant ${req.slug} does not exist in env ${req.env} (no stack ${target.stack} in ${session.backend.url})`,
      {
        hint: "see the tenants that exist with: tenantctl list tenants",
      },
    );
  }
  await req.confirm();
  const started = session.io.now();
  const shared = await readSharedOutputs(session, req.env);
  const spec = stored.spec;
  const { workspace, stack } = await openTenantStack(
    session,
    target,
    spec,
    shared,
    {
      releaseProtection: true,
      forceDeleteSecrets: req.forceDeleteSecrets,
    },
    stored,
  );
  const op = { ...target, spec, operation: "teardown" as const, retry: req.retry, inspect: () => stack.exportStack() };
  return runStackOperation(session, op, async (step) => {
    await step(
      `teardown ${req.slug} 1/3: lifting deletion protection${req.forceDeleteSecrets ? " and the secrets' recovery window" : ""}`,
      (o) => stack.up(o),
    );
    const exported = await exportStackEncrypted({
      command: session.pulumi.command,
      workDir: workspace.workDir,
      stack: target.stack,
      env: { ...process.env, ...engineEnv(session.workspace) },
    });
    const leaks = plaintextSecretPaths(exported);
    if (leaks.length > 0) {
      throw new OperationFailedError(
        `refusing to archive ${target.stack}: its export holds plaintext secrets at ${leaks.slice(0, 3).join(", ")}`,
      );
    }
    const archive = archiveKey(target.project, target.stack, started);
    await session.store.writeJson(archive, exported);
    // A warm-pool slot never held customer data, so its release step skipped the final snapshot.
    const snapshot =
      spec.slot === true
        ? undefined
        : (finalSnapshotFromState(exported) ??
          (typeof stored.outputs.finalSnapshotIdentifier === "string"
            ? stored.outputs.finalSnapshotIdentifier
            : undefined));
    session.io.stderr.write(`state archived to ${session.store.location}/${archive}\n`);
    await step(`teardown ${req.slug} 2/3: destroying; final DB snapshot ${snapshot ?? "(none)"}`, (o) =>
      stack.destroy(o),
    );
    if (!req.keepStack) {
      session.io.stderr.write(`teardown ${req.slug} 3/3: removing stack ${target.stack}\n`);
      await workspace.removeStack(target.stack);
      await releasePriority(session.store, {
        env: target.env,
        loadBalancer: spec.loadBalancer,
        project: target.project,
        stack: target.stack,
        slug: target.slug,
      });
      await removeIndexEntry(session.store, target.project, target.stack);
    }
    const record: TeardownRecord = {
      slug: req.slug,
      env: req.env,
      project: target.project,
      stack: target.stack,
      spec,
      generation: spec.generation,
      finalSnapshotIdentifier: snapshot,
      archiveKey: archive,
      secrets: req.forceDeleteSecrets ? "force-deleted" : "recovery-window",
      stackRemoved: !req.keepStack,
      startedAt: started.toISOString(),
      finishedAt: session.io.now().toISOString(),
      operator: `${session.io.env.USER ?? "unknown"}@${hostname()}`,
    };
    const recordKey = teardownKey(target.project, target.stack, started);
    await session.store.writeJson(recordKey, record);
    const result = { target, record, recordKey };
    return req.keepStack
      ? { result, message: "destroyed; stack kept (--keep-stack)", resourceCount: 0 }
      : { result, removed: true as const };
  });
}
