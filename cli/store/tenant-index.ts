/**
 * The tenant index: one small JSON record per tenant stack under `index/<project>/<stack>.json` in the backend's
 * `.tenantctl` folder, written at the start and end of every provision/update/teardown. `list tenants` reads only
 * these (never every stack's checkpoint); the spec inside lets any operator act from the backend alone.
 */
import type { TenantSpec } from "../../infra/spec";
import type { RecordStore } from "./records";

/** "restore": `restore tenant` recreated it from a teardown (older entries never hold it; readers treat it as a string). */
export type OperationName = "provision" | "update" | "teardown" | "restore";
export type OperationStatus = "in-progress" | "succeeded" | "failed" | "cancelled";

export interface TenantIndexEntry {
  readonly slug: string;
  readonly env: string;
  readonly project: string;
  readonly stack: string;
  readonly tier: string;
  readonly displayName: string;
  readonly image: string;
  readonly url: string | undefined;
  readonly listenerPriority: number;
  readonly lastOperation: OperationName;
  readonly status: OperationStatus;
  /** One line: AWS's error for a failed operation, the resume hint for a cancelled one. */
  readonly message: string | undefined;
  readonly resourceCount: number | undefined;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly spec: TenantSpec;
}

export const INDEX_FOLDER = "index";

export function indexKey(project: string, stack: string): string {
  return `${INDEX_FOLDER}/${project}/${stack}.json`;
}

export async function readIndexEntry(
  store: RecordStore,
  project: string,
  stack: string,
): Promise<TenantIndexEntry | undefined> {
  return store.readJson<TenantIndexEntry>(indexKey(project, stack));
}

export interface IndexUpdate {
  readonly spec: TenantSpec;
  readonly project: string;
  readonly stack: string;
  readonly operation: OperationName;
  readonly status: OperationStatus;
  readonly url?: string | undefined;
  readonly message?: string | undefined;
  readonly resourceCount?: number | undefined;
  readonly now: Date;
}

export async function writeIndexEntry(store: RecordStore, update: IndexUpdate): Promise<TenantIndexEntry> {
  const previous = await readIndexEntry(store, update.project, update.stack);
  const at = update.now.toISOString();
  const entry: TenantIndexEntry = {
    slug: update.spec.slug,
    env: update.spec.env,
    project: update.project,
    stack: update.stack,
    tier: update.spec.tier,
    displayName: update.spec.displayName,
    image: update.spec.pinnedImage ?? update.spec.image,
    url: update.url ?? previous?.url,
    listenerPriority: update.spec.listenerPriority,
    lastOperation: update.operation,
    status: update.status,
    message: update.message,
    resourceCount: update.resourceCount ?? previous?.resourceCount,
    createdAt: previous?.createdAt ?? at,
    updatedAt: at,
    spec: update.spec,
  };
  await store.writeJson(indexKey(update.project, update.stack), entry);
  return entry;
}

export async function removeIndexEntry(store: RecordStore, project: string, stack: string): Promise<void> {
  await store.remove(indexKey(project, stack));
}

/** Every indexed tenant of a project, sorted by env then slug. Unreadable records are skipped, not fatal. */
export async function listIndex(store: RecordStore, project: string): Promise<TenantIndexEntry[]> {
  const names = (await store.list(`${INDEX_FOLDER}/${project}`)).filter((name) => name.endsWith(".json"));
  const entries = await Promise.all(
    // A record that is not JSON (cut short by a crash) is skipped and `list --refresh` rebuilds it; a record that
    // cannot be read at all (permissions, the bucket) fails the listing instead of silently hiding tenants.
    names.map((name) =>
      store.readJson<TenantIndexEntry>(`${INDEX_FOLDER}/${project}/${name}`).catch((error: unknown) => {
        if (error instanceof SyntaxError) return undefined;
        throw error;
      }),
    ),
  );
  return entries
    .filter((entry): entry is TenantIndexEntry => entry !== undefined && typeof entry.slug === "string")
    .sort((a, b) => a.env.localeCompare(b.env) || a.slug.localeCompare(b.slug));
}
