/**
 * Takeover of a tenant whose runner's lease expired: the dead runner's worker may have left Pulumi's stack lock
 * behind (a DIY backend never expires a lock; only `pulumi cancel` removes it, see locks.ts). We remove exactly the
 * lock files that lease.ts's `lockHeldByLease` attributes to that lease (written on the holder's host during its
 * lease), and only now that the lease has expired. A lock of anyone else is left alone, and the upgrade then fails
 * as locked, like `update tenant` does. On this host a matching lock whose process still runs is "busy": the
 * dead runner's engine is still ending (it cancels when its parent goes), so the tenant is tried again later.
 */
import { hostname } from "node:os";
import { join } from "node:path";
import type { BackendLocation } from "../../store/backend";
import { FileRecordStore, type RecordStore } from "../../store/records";
import { S3RecordStore } from "../../store/records-s3";
import { parseS3BackendUrl } from "../../store/s3-url";
import { lockHeldByLease, type LeaseRecord } from "./lease";
import type { TakeoverResult } from "./runner";

interface LockContent {
  readonly pid?: number;
  readonly hostname?: string;
  readonly timestamp?: string;
}

/** Pulumi's `.pulumi` folder of a file:// or s3:// backend, as a record store (undefined for other backends). */
export function pulumiFolder(backend: BackendLocation): RecordStore | undefined {
  if (backend.fileRoot !== undefined) return new FileRecordStore(join(backend.fileRoot, ".pulumi"));
  if (backend.url.startsWith("s3://")) return new S3RecordStore(parseS3BackendUrl(backend.url), { root: ".pulumi" });
  return undefined;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: unknown) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface ClearedLock {
  readonly key: string;
  readonly content: LockContent;
}

/** Removes the expired lease's stack lock(s); `onCleared` hears each one removed. */
export async function clearExpiredHoldersLock(
  pulumi: RecordStore,
  target: { project: string; stack: string },
  expired: LeaseRecord,
  onCleared: (lock: ClearedLock) => void = () => undefined,
): Promise<TakeoverResult> {
  const dirs = [`locks/${target.project}/${target.stack}`];
  for (const org of await pulumi.list("locks")) dirs.push(`locks/${org}/${target.project}/${target.stack}`);
  for (const dir of dirs) {
    for (const name of (await pulumi.list(dir)).filter((n) => n.endsWith(".json"))) {
      const key = `${dir}/${name}`;
      const content = await pulumi.readJson<LockContent>(key);
      if (content === undefined || !lockHeldByLease(content, expired)) continue;
      if (content.hostname === hostname() && content.pid !== undefined && processAlive(content.pid)) return "busy";
      await pulumi.remove(key);
      onCleared({ key, content });
    }
  }
  return "clear";
}
