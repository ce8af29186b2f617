/**
 * The warm pool's records in the backend's record store, beside the tenant index. A slot is a tenant stack
 * `<env>-<tenantId>` whose indexed spec has `slot: true` (so it counts against quotas, seats and priorities like any
 * tenant); these records add what the index does not hold:
 *   pool/<env>/claims/<tenantId>.json  — exclusive: which provision claimed the slot (the first writer wins)
 *   pool/<env>/slugs/<slug>.json       — exclusive: one claim per customer slug at a time
 *   pool/<env>/health/<tenantId>.json  — the last health check of the slot (pool status / pool fill)
 * A claim record outlives an interrupted claim, so the next claim, fill or status finishes it (cli/pool/claim.ts).
 */
import { hostname } from "node:os";
import type { TenantSpec } from "../../infra/spec";
import { TENANTS_PROJECT } from "../orchestration/projects";
import type { RecordStore } from "../store/records";
import { listIndex, type OperationStatus } from "../store/tenant-index";

export const claimKey = (env: string, tenantId: string): string => `pool/${env}/claims/${tenantId}.json`;
export const slugKey = (env: string, slug: string): string => `pool/${env}/slugs/${slug}.json`;
export const healthKey = (env: string, tenantId: string): string => `pool/${env}/health/${tenantId}.json`;

/** A claim older than this whose process cannot be seen is taken over (another machine's claim, with an S3 store). */
export const CLAIM_STALE_MS = 60 * 60 * 1000;

export interface ClaimRecord {
  readonly tenantId: string;
  readonly slug: string;
  readonly env: string;
  /** The claimed spec: the slot's with the customer's identity; what the claim (or its roll-forward) applies. */
  readonly spec: TenantSpec;
  readonly startedAt: string;
  readonly pid: number;
  readonly host: string;
  /** Held by `pool drain` (the slot is being removed), not by a provision: never rolled forward. */
  readonly drain?: true;
}

export interface HealthRecord {
  readonly tenantId: string;
  readonly healthy: boolean;
  /** Why not healthy: the failed operation's message, or the resources found changed or gone. */
  readonly reason: string | undefined;
  readonly checkedAt: string;
}

export function newClaimRecord(spec: TenantSpec, now: Date): ClaimRecord {
  if (spec.tenantId === undefined) throw new Error(`newClaimRecord: ${spec.slug} has no tenant id`);
  return {
    tenantId: spec.tenantId,
    slug: spec.slug,
    env: spec.env,
    spec,
    startedAt: now.toISOString(),
    pid: process.pid,
    host: hostname(),
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: unknown) {
    return (error as { code?: string }).code === "EPERM";
  }
}

/** Left behind by a claim that died: its process is gone (same machine), or it is older than CLAIM_STALE_MS. */
export function isStaleClaim(record: Pick<ClaimRecord, "pid" | "host" | "startedAt">, now: Date): boolean {
  if (now.getTime() - Date.parse(record.startedAt) > CLAIM_STALE_MS) return true;
  return record.host === hostname() && record.pid !== process.pid && !alive(record.pid);
}

export interface SlotView {
  readonly tenantId: string;
  readonly env: string;
  readonly tier: string;
  readonly image: string;
  readonly loadBalancer: string;
  readonly listenerPriority: number;
  readonly createdAt: string;
  /** The slot's last operation in the index (fill creates it; a failed fill leaves it failed). */
  readonly status: OperationStatus;
  readonly message: string | undefined;
  readonly health: HealthRecord | undefined;
  /** Set while a claim holds the slot. */
  readonly claim: ClaimRecord | undefined;
  readonly spec: TenantSpec;
}

/** Ready to be claimed: created successfully, not unhealthy at its last check, not held by a claim. */
export function claimable(slot: SlotView): boolean {
  return slot.status === "succeeded" && slot.health?.healthy !== false && slot.claim === undefined;
}

/** Every unassigned slot of the env (oldest first), with its health and claim records. */
export async function listSlots(store: RecordStore, env: string): Promise<SlotView[]> {
  const entries = (await listIndex(store, TENANTS_PROJECT)).filter(
    (e) => e.env === env && e.spec.slot === true && e.spec.tenantId !== undefined,
  );
  const views = await Promise.all(
    entries.map(async (e): Promise<SlotView> => {
      const tenantId = e.spec.tenantId ?? e.slug;
      return {
        tenantId,
        env,
        tier: e.tier,
        image: e.image,
        loadBalancer: e.spec.loadBalancer,
        listenerPriority: e.listenerPriority,
        createdAt: e.createdAt,
        status: e.status,
        message: e.message,
        health: await store.readJson<HealthRecord>(healthKey(env, tenantId)),
        claim: await store.readJson<ClaimRecord>(claimKey(env, tenantId)),
        spec: e.spec,
      };
    }),
  );
  return views.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.tenantId.localeCompare(b.tenantId));
}

/** Claims whose slot stack may be half-way (interrupted): every claim record of the env. */
export async function listClaims(store: RecordStore, env: string): Promise<ClaimRecord[]> {
  const names = (await store.list(`pool/${env}/claims`)).filter((n) => n.endsWith(".json"));
  const records = await Promise.all(names.map((n) => store.readJson<ClaimRecord>(`pool/${env}/claims/${n}`)));
  return records.filter((r): r is ClaimRecord => r !== undefined);
}
