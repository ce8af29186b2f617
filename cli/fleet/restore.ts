/**
 * restore: a torn-down tenant back from its teardown record — the recorded spec, a new generation (so its next
 * final snapshot gets a new name), its listener priority back when free, its ALB when that has room, and the RDS
 * instance restored from the recorded final snapshot (or --snapshot). Refused while the old secrets are still in
 * their recovery window unless the operator accepts new ones (the old admin token would be lost).
 */
import type { TenantSpec } from "../../infra/spec";
import { ConflictError, NotFoundError } from "../errors";
import { claimPriority } from "../orchestration/priorities";
import { EngineFailure, runEngine } from "../orchestration/run-engine";
import type { EngineSession } from "../orchestration/session";
import { plainOutputs, readSharedOutputs } from "../orchestration/shared-stack";
import { listTeardowns, nextGeneration, type TeardownRecord } from "../orchestration/teardown-records";
import { writeIndexEntry } from "../orchestration/tenant-index";
import { openTenantStack, readStoredTenant, tenantTarget, type TenantTarget } from "../orchestration/tenant-stack";
import { parseSpecOrUsage } from "../tenant-input";
import { placeNewTenant } from "./capacity";
import { reservedSecrets } from "./restore-secrets";

export interface RestoreRequest {
  readonly slug: string;
  readonly env: string;
  readonly snapshot: string | undefined;
  /** Accept fresh secrets while the old ones are still recoverable. */
  readonly newSecrets: boolean;
  readonly retry: string;
}

export interface RestoreResult {
  readonly target: TenantTarget;
  readonly spec: TenantSpec;
  readonly snapshot: string;
  readonly fromTeardown: TeardownRecord;
  readonly outputs: Record<string, unknown>;
  readonly changes: Record<string, number>;
}

function chooseRecord(records: readonly TeardownRecord[], snapshot: string | undefined): TeardownRecord | undefined {
  const matching = snapshot === undefined ? [] : records.filter((r) => r.finalSnapshotIdentifier === snapshot);
  return matching[matching.length - 1] ?? records[records.length - 1];
}

export async function restoreTenant(session: EngineSession, req: RestoreRequest): Promise<RestoreResult> {
  const target = await tenantTarget(req.slug, req.env);
  if ((await readStoredTenant(session, target)) !== undefined) {
    throw new ConflictError(`tenant ${req.slug} exists in env ${req.env}; restore only recreates a torn-down tenant`, {
      hint: `see it with: tenantctl status tenant ${req.slug} --env ${req.env}`,
    });
  }
  const record = chooseRecord(await listTeardowns(session.store, target.project, target.stack), req.snapshot);
  if (record === undefined) {
    throw new NotFoundError(`no teardown of ${req.slug} in env ${req.env} is recorded in ${session.store.location}`, {
      hint: "restore recreates tenants torn down with `tenantctl teardown tenant`; see the tenants that exist with: tenantctl list tenants",
    });
  }
  const snapshot = req.snapshot ?? record.finalSnapshotIdentifier;
  if (snapshot === undefined) throw new NotFoundError(`the teardown of ${req.slug} at ${record.finishedAt} recorded no final snapshot; pass --snapshot <id>`);
  const reserved = await reservedSecrets(session.store, record, session.io.now());
  if (reserved.length > 0 && !req.newSecrets) {
    const until = reserved.map((s) => s.until).sort().pop() ?? "";
    throw new ConflictError(`the secrets of ${req.slug} are still in their recovery window until ${until}: ${reserved.map((s) => s.name).join(", ")}`, {
      hint: [
        `restoring now gives the tenant new secrets (a new admin token); to do that anyway: ${req.retry} --new-secrets`,
        `or bring the old ones back first: ${reserved.map((s) => `aws secretsmanager restore-secret --secret-id ${s.arn}`).join("; ")}`,
      ].join("\n"),
      details: { reservedSecrets: reserved },
    });
  }
  const shared = await readSharedOutputs(session, req.env);
  const loadBalancer = await placeNewTenant(session.store, req.env, shared, session.io.env, { preferred: record.spec.loadBalancer, self: target });
  const now = session.io.now();
  const generation = await nextGeneration(session.store, target.project, target.stack);
  const listenerPriority = await claimPriority(session.store, { env: req.env, loadBalancer, project: target.project, stack: target.stack, slug: req.slug, current: record.spec.listenerPriority, now });
  const spec = await parseSpecOrUsage({ ...record.spec, loadBalancer, listenerPriority, generation, restoreFromSnapshot: snapshot });
  const index = { spec, project: target.project, stack: target.stack, operation: "provision" } as const;
  await writeIndexEntry(session.store, { ...index, status: "in-progress", message: `restoring from snapshot ${snapshot}`, now });
  const { stack } = await openTenantStack(session, target, spec, shared);
  const run = { io: session.io, project: target.project, stack: target.stack, fileRoot: session.backend.fileRoot, retry: req.retry };
  try {
    const outcome = await runEngine({ ...run, title: `restoring ${req.slug} (${target.stack}) from snapshot ${snapshot}` }, (o) => stack.up(o));
    const outputs = plainOutputs(outcome.result.outputs);
    const url = typeof outputs.url === "string" ? outputs.url : undefined;
    await writeIndexEntry(session.store, { ...index, status: "succeeded", url, message: `restored from snapshot ${snapshot}`, now: session.io.now() });
    return { target, spec, snapshot, fromTeardown: record, outputs, changes: outcome.changes };
  } catch (error: unknown) {
    if (!(error instanceof EngineFailure)) throw error;
    await writeIndexEntry(session.store, { ...index, status: error.cancelled ? "cancelled" : "failed", message: error.translated.message, now: session.io.now() }).catch(() => undefined);
    throw error.translated;
  }
}
