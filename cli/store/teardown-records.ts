/**
 * What teardown leaves behind in the backend's `.tenantctl` folder, for restore (fleet ops) and audits:
 *   teardowns/<project>/<stack>/<time>.json  — spec, final snapshot id, archive key, secrets handling
 *   archives/<project>/<stack>/<time>.json   — `pulumi stack export` taken before destroy (secrets stay encrypted)
 * A re-provisioned slug gets generation = last teardown's + 1, so its final snapshot name never repeats.
 */
import type { TenantSpec } from "../../infra/spec";
import type { RecordStore } from "./records";

export interface TeardownRecord {
  readonly slug: string;
  readonly env: string;
  readonly project: string;
  readonly stack: string;
  readonly spec: TenantSpec;
  readonly generation: number;
  /** RDS final snapshot taken by the destroy; undefined only for stacks without a database. */
  readonly finalSnapshotIdentifier: string | undefined;
  readonly archiveKey: string;
  readonly secrets: "recovery-window" | "force-deleted";
  readonly stackRemoved: boolean;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly operator: string;
}

export function timeKey(at: Date): string {
  return at.toISOString().replace(/[:.]/g, "-");
}

export function archiveKey(project: string, stack: string, at: Date): string {
  return `archives/${project}/${stack}/${timeKey(at)}.json`;
}

export function teardownKey(project: string, stack: string, at: Date): string {
  return `teardowns/${project}/${stack}/${timeKey(at)}.json`;
}

export async function listTeardowns(store: RecordStore, project: string, stack: string): Promise<TeardownRecord[]> {
  const names = await store.list(`teardowns/${project}/${stack}`);
  const records = await Promise.all(
    names.map((name) => store.readJson<TeardownRecord>(`teardowns/${project}/${stack}/${name}`)),
  );
  return records
    .filter((r): r is TeardownRecord => r !== undefined)
    .sort((a, b) => a.finishedAt.localeCompare(b.finishedAt));
}

/** The generation a new stack for this slug should use: one past the last torn-down one. */
export async function nextGeneration(store: RecordStore, project: string, stack: string): Promise<number> {
  const records = await listTeardowns(store, project, stack);
  return records.reduce((max, r) => Math.max(max, r.generation), 0) + 1;
}
