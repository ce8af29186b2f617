/**
 * restore: a torn-down tenant back from its teardown record — the recorded spec, a new generation (so its next
 * final snapshot gets a new name), its listener priority back when free, its ALB when that has room, and the RDS
 * instance restored from the recorded final snapshot (or --snapshot). While the old secrets are still in their
 * recovery window, the operator chooses: --restore-secrets (tenantctl restores them with Secrets Manager, then the
 * stack imports the admin-token secret, keeping the customer's token) or --new-secrets (new ones; the old token is
 * lost). Order: every check first (nothing changed on refusal), then the secrets, then the stack.
 */
import type { TenantSpec } from "../../infra/spec";
import { CliError, ConflictError, NotFoundError } from "../errors";
import { claimPriority, giveBackUnlessStackExists } from "../store/priorities";
import type { EngineSession } from "../orchestration/session";
import { plainOutputs, readSharedOutputs } from "../orchestration/shared-stack";
import { listTeardowns, nextGeneration, type TeardownRecord } from "../store/teardown-records";
import { runStackOperation } from "../orchestration/stack-operation";
import { readIndexEntry } from "../store/tenant-index";
import { openTenantStack, readStoredTenant, tenantTarget, type TenantTarget } from "../orchestration/tenant-stack";
import { parseSpecOrUsage } from "../tenant-input";
import { placeNewTenant } from "../capacity/placement";
import { reservedSecrets, type ReservedSecret } from "./restore-secrets";
import type { RestoredSecret } from "./restore-secrets-aws";
import { tenantNames } from "../../infra/naming";
import { restoreSecrets } from "./restore-secrets-aws";

export interface RestoreRequest {
  readonly slug: string;
  readonly env: string;
  readonly snapshot: string | undefined;
  /**
   * While the old secrets are still recoverable: "restore" brings them back (RestoreSecret) and the stack adopts
   * them; "new" gives the tenant new ones; undefined refuses (exit 4).
   */
  readonly secrets: "restore" | "new" | undefined;
  readonly retry: string;
  /** RestoreSecret for each secret (cli/fleet/restore-secrets-aws.ts; tests may substitute). */
  readonly restoreSecrets?: (secrets: readonly ReservedSecret[]) => Promise<RestoredSecret[]>;
}

export interface RestoreResult {
  readonly target: TenantTarget;
  readonly spec: TenantSpec;
  readonly snapshot: string;
  readonly fromTeardown: TeardownRecord;
  readonly outputs: Record<string, unknown>;
  readonly changes: Record<string, number>;
  /** Secrets brought back from their recovery window (--restore-secrets); the stack adopted the admin token's. */
  readonly restoredSecrets: readonly RestoredSecret[];
}

function chooseRecord(records: readonly TeardownRecord[], snapshot: string | undefined): TeardownRecord | undefined {
  const matching = snapshot === undefined ? [] : records.filter((r) => r.finalSnapshotIdentifier === snapshot);
  return matching[matching.length - 1] ?? records[records.length - 1];
}

export async function restoreTenant(session: EngineSession, req: RestoreRequest): Promise<RestoreResult> {
  const target = tenantTarget(req.slug, req.env);
  const stored = await readStoredTenant(session, target);
  if (stored !== undefined && !(await unfinishedRestore(session, target, stored.outputs))) {
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
  if (snapshot === undefined)
    throw new NotFoundError(
      `the teardown of ${req.slug} at ${record.finishedAt} recorded no final snapshot; pass --snapshot <id>`,
    );
  const appDbSecret = tenantNames({ slug: req.slug, env: req.env, preview: undefined, generation: 1 }).appDbSecret;
  // The app role's database secret is never restored or adopted: it is auto-named, so a new one does not collide,
  // and the bootstrap writes a fresh password into it. The old one simply runs out its recovery window.
  const reserved = (await reservedSecrets(session.store, record, session.io.now())).filter(
    (s) => s.logicalName !== appDbSecret,
  );
  const adopt = await secretToAdopt(req, reserved);
  const shared = await readSharedOutputs(session, req.env);
  const loadBalancer = await placeNewTenant(session.store, req.env, shared, session.io.env, {
    preferred: record.spec.loadBalancer,
    self: target,
  });
  // From here the tenant holds seats: a failure that leaves no stack gives them back (a failed RestoreSecret, exit 5, did not).
  const giveBack = (): Promise<void> =>
    giveBackUnlessStackExists(session.store, session.backend, {
      env: req.env,
      loadBalancer,
      project: target.project,
      stack: target.stack,
      slug: req.slug,
    });
  if (req.secrets === "restore" && reserved.length === 0) {
    session.io.stderr.write(
      `no secret of ${req.slug} is still in its recovery window (${record.secrets === "force-deleted" ? "force-deleted at teardown" : "the window has passed"}): the tenant gets new ones\n`,
    );
  }
  // The secrets first: if Secrets Manager refuses, nothing else has changed.
  const restoredSecrets =
    adopt === undefined
      ? []
      : await (req.restoreSecrets ?? defaultRestoreSecrets)(reserved).catch(async (error: unknown) => {
          await giveBack();
          throw error;
        });
  if (restoredSecrets.length > 0)
    session.io.stderr.write(`restored from their recovery window: ${restoredSecrets.map((s) => s.name).join(", ")}\n`);
  const afterSecrets =
    restoredSecrets.length === 0
      ? ""
      : `; the secrets were restored (${restoredSecrets.map((s) => s.name).join(", ")}) and stay so: rerun \`${req.retry} --restore-secrets\` to finish`;
  try {
    return await recreate(session, req, { target, record, snapshot, shared, loadBalancer, adopt, restoredSecrets });
  } catch (error: unknown) {
    await giveBack();
    if (afterSecrets !== "" && error instanceof CliError) {
      throw new CliError(error.exitCode, `${error.message}${afterSecrets}`, {
        hint: error.hint,
        details: { ...error.details, restoredSecrets },
        cause: error,
      });
    }
    throw error;
  }
}

/** A stack left by a restore whose update failed or was cancelled: rerunning the restore finishes it. */
async function unfinishedRestore(
  session: EngineSession,
  target: TenantTarget,
  outputs: Record<string, unknown>,
): Promise<boolean> {
  if (outputs.spec !== undefined) return false;
  const entry = await readIndexEntry(session.store, target.project, target.stack);
  return entry?.lastOperation === "restore" && entry.status !== "succeeded" && entry.status !== "in-progress";
}

async function defaultRestoreSecrets(secrets: readonly ReservedSecret[]): Promise<RestoredSecret[]> {
  return restoreSecrets(secrets);
}

/** The admin-token secret to adopt (--restore-secrets), or undefined to create new secrets; refuses (exit 4) otherwise. */
async function secretToAdopt(
  req: RestoreRequest,
  reserved: readonly ReservedSecret[],
): Promise<ReservedSecret | undefined> {
  if (reserved.length === 0 || req.secrets === "new") return undefined;
  const reservedNames = reserved.map((s) => s.name).join(", ");
  if (req.secrets === undefined) {
    const until =
      reserved
        .map((s) => s.until)
        .sort()
        .pop() ?? "";
    throw new ConflictError(
      `the secrets of ${req.slug} are still in their recovery window until ${until}: ${reservedNames}`,
      {
        hint: [
          `to bring them back (keeping the tenant's admin token): ${req.retry} --restore-secrets`,
          `or restore with new secrets (a new admin token; the old one is lost): ${req.retry} --new-secrets`,
        ].join("\n"),
        details: { reservedSecrets: reserved },
      },
    );
  }
  const adminToken = tenantNames({ slug: req.slug, env: req.env, preview: undefined, generation: 1 }).adminTokenSecret;
  const others = reserved.filter((s) => s.logicalName !== adminToken);
  const token = reserved.find((s) => s.logicalName === adminToken);
  if (others.length > 0 || token === undefined) {
    throw new ConflictError(
      `restore can adopt only the admin-token secret of ${req.slug}; also reserved: ${(others.length > 0 ? others : reserved).map((s) => s.name).join(", ")}`,
      {
        hint: `restore with new secrets instead: ${req.retry} --new-secrets`,
        details: { reservedSecrets: reserved },
      },
    );
  }
  return token;
}

interface Recreate {
  readonly target: TenantTarget;
  readonly record: TeardownRecord;
  readonly snapshot: string;
  readonly shared: Awaited<ReturnType<typeof readSharedOutputs>>;
  readonly loadBalancer: string;
  readonly adopt: ReservedSecret | undefined;
  readonly restoredSecrets: readonly RestoredSecret[];
}

async function recreate(session: EngineSession, req: RestoreRequest, r: Recreate): Promise<RestoreResult> {
  const { target, record, snapshot, shared, loadBalancer, adopt } = r;
  const now = session.io.now();
  const generation = await nextGeneration(session.store, target.project, target.stack);
  const listenerPriority = await claimPriority(session.store, {
    env: req.env,
    loadBalancer,
    project: target.project,
    stack: target.stack,
    slug: req.slug,
    current: record.spec.listenerPriority,
    now,
  });
  // The recorded spec may carry an older adoption; the secret is adopted again only when it was just restored.
  const { adoptedAdminTokenSecretArn: _previous, ...recorded } = record.spec;
  const spec = parseSpecOrUsage({
    ...recorded,
    loadBalancer,
    listenerPriority,
    generation,
    restoreFromSnapshot: snapshot,
    ...(adopt === undefined ? {} : { adoptedAdminTokenSecretArn: adopt.arn }),
  });
  const { stack } = await openTenantStack(
    session,
    target,
    spec,
    shared,
    adopt === undefined ? {} : { adoptAdminTokenSecret: { arn: adopt.arn } },
  );
  const op = {
    ...target,
    spec,
    operation: "restore" as const,
    retry: req.retry,
    message: `restoring from snapshot ${snapshot}`,
    inspect: () => stack.exportStack(),
  };
  return runStackOperation(session, op, async (step) => {
    const outcome = await step(`restoring ${req.slug} (${target.stack}) from snapshot ${snapshot}`, (o) => stack.up(o));
    const outputs = plainOutputs(outcome.result.outputs);
    const url = typeof outputs.url === "string" ? outputs.url : undefined;
    const result = {
      target,
      spec,
      snapshot,
      fromTeardown: record,
      outputs,
      changes: outcome.changes,
      restoredSecrets: r.restoredSecrets,
    };
    return { result, url, message: `restored from snapshot ${snapshot}` };
  });
}
