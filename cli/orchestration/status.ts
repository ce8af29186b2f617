/**
 * One tenant's status from the backend: stored spec, outputs (secret ones masked), resource count, the last
 * operation from the stack's history and from the tenant index, and optionally a GET of its /readyz (cli/readiness.ts).
 */
import { NotFoundError } from "../errors";
import { getReadiness, readinessUrl, type ReadinessResult } from "../readiness";
import { exportStackEncrypted, stateResources } from "../store/archive";
import type { EngineSession } from "./session";
import { readIndexEntry } from "../store/tenant-index";
import { engineEnv } from "./workspace";
import { readStoredTenant, tenantTarget, type TenantTarget } from "./tenant-stack";
import { listTeardowns } from "../store/teardown-records";

export type ProbeResult = ReadinessResult;

export interface TenantStatus {
  readonly tenant: string;
  readonly env: string;
  readonly stack: string;
  readonly spec: unknown;
  readonly outputs: Record<string, unknown>;
  readonly resourceCount: number;
  readonly lastUpdate: { kind: string; result: string; startTime: string; endTime: string | null } | null;
  readonly index: { lastOperation: string; status: string; message: string | null; updatedAt: string } | null;
  readonly probe: ProbeResult | null;
}

/** Whether the tenant serves: GET <url>/readyz, healthy on 2xx, else the status and the app's reason. */
export async function probeHealth(baseUrl: string, timeoutMs?: number): Promise<ProbeResult> {
  return getReadiness(readinessUrl(baseUrl), timeoutMs);
}

/** "does not exist", with when it was torn down, its final snapshot and the restore command when a teardown is recorded. */
async function notFound(session: EngineSession, target: TenantTarget): Promise<NotFoundError> {
  const last = (await listTeardowns(session.store, target.project, target.stack)).pop();
  if (last === undefined) {
    return new NotFoundError(`tenant ${target.slug} does not exist in env ${target.env}`, {
      hint: "see the tenants that exist with: tenantctl list tenants",
    });
  }
  const restore = `tenantctl restore tenant ${target.slug} --env ${target.env}`;
  const snapshot =
    last.finalSnapshotIdentifier === undefined ? "no final snapshot" : `final snapshot ${last.finalSnapshotIdentifier}`;
  return new NotFoundError(
    `tenant ${target.slug} does not exist in env ${target.env}: torn down at ${last.finishedAt} by ${last.operator} (${snapshot})`,
    {
      hint: `restore it with: ${restore}${last.secrets === "force-deleted" ? "" : " (add --restore-secrets to keep its admin token while its secrets are in their recovery window)"}`,
      details: {
        tornDown: {
          at: last.finishedAt,
          operator: last.operator,
          finalSnapshotIdentifier: last.finalSnapshotIdentifier ?? null,
          secrets: last.secrets,
          restore,
        },
      },
    },
  );
}

export async function tenantStatus(
  session: EngineSession,
  slug: string,
  env: string,
  probe: boolean,
): Promise<TenantStatus> {
  const target = tenantTarget(slug, env);
  // Outputs are shown, secret ones masked: which ones are secret needs the SDK's two reads.
  const stored = await readStoredTenant(session, target, { withSecretFlags: true });
  if (stored === undefined) throw await notFound(session, target);
  const outputs = Object.fromEntries(
    Object.entries(stored.outputMap)
      .filter(([key]) => key !== "spec")
      .map(([key, o]) => [key, o.secret ? "[secret]" : o.value]),
  );
  const exported = await exportStackEncrypted({
    command: session.pulumi.command,
    workDir: stored.stack.workspace.workDir,
    stack: target.stack,
    env: { ...process.env, ...engineEnv(session.workspace) },
  });
  const resourceCount = stateResources(exported).filter(
    (r) => r.type !== "pulumi:pulumi:Stack" && !(r.type ?? "").startsWith("pulumi:providers:"),
  ).length;
  const history = await stored.stack.history(1);
  const last = history[0];
  const entry = await readIndexEntry(session.store, target.project, target.stack);
  const url = typeof outputs.url === "string" ? outputs.url : undefined;
  return {
    tenant: slug,
    env,
    stack: target.stack,
    spec: stored.spec,
    outputs,
    resourceCount,
    lastUpdate:
      last === undefined
        ? null
        : {
            kind: last.kind,
            result: last.result,
            startTime: new Date(last.startTime).toISOString(),
            endTime: last.endTime === undefined ? null : new Date(last.endTime).toISOString(),
          },
    index:
      entry === undefined
        ? null
        : {
            lastOperation: entry.lastOperation,
            status: entry.status,
            message: entry.message ?? null,
            updatedAt: entry.updatedAt,
          },
    probe: probe && url !== undefined ? await probeHealth(url) : null,
  };
}
