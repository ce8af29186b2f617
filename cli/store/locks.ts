/**
 * Who holds a stack's lock. Pulumi's DIY backends (file:// and s3:// alike) write one JSON object per lock under
 * `.pulumi/locks/<org>/<project>/<stack>/` (`{pid, username, hostname, timestamp}`); its error text also names
 * the holder. We prefer the lock file and fall back to the text.
 */
import { join } from "node:path";
import type { BackendLocation } from "./backend";
import { FileRecordStore, type RecordStore } from "./records";
import { S3RecordStore } from "./records-s3";
import { parseS3BackendUrl } from "./s3-url";

export interface LockHolder {
  /** user@host, as Pulumi writes it. */
  readonly who: string;
  readonly pid: number | undefined;
  readonly since: string | undefined;
  /** Where the lock file is: a path for file:// backends, an s3:// URL for S3 backends. */
  readonly file: string | undefined;
}

interface LockFileContent {
  readonly pid?: number;
  readonly username?: string;
  readonly hostname?: string;
  readonly timestamp?: string;
}

/** Reads Pulumi's `.pulumi` folder of a backend (only `list` and `readJson` are used). */
export type LockSource = Pick<RecordStore, "location" | "list" | "readJson">;

/**
 * Pulumi's `.pulumi` folder of a backend: a directory for file://, the `<prefix>/.pulumi/` objects for s3:// (same
 * layout, read with the same credentials and endpoint as the records). Undefined for backends whose locks we cannot
 * read (Pulumi Cloud, gs://, azblob://): there the engine's own error text still names the holder.
 */
export function openLockSource(backend: BackendLocation | undefined): LockSource | undefined {
  if (backend === undefined) return undefined;
  if (backend.fileRoot !== undefined) return fileLockSource(backend.fileRoot);
  if (backend.url.startsWith("s3://")) return new S3RecordStore(parseS3BackendUrl(backend.url), { root: ".pulumi" });
  return undefined;
}

/** The `.pulumi` folder of a file:// backend, from its root directory (what engine runs carry as `fileRoot`). */
export function fileLockSource(fileRoot: string): LockSource {
  return new FileRecordStore(join(fileRoot, ".pulumi"));
}

async function lockDirs(source: LockSource, project: string, stack: string): Promise<string[]> {
  const candidates = [`locks/${project}/${stack}`];
  const orgs = await source.list("locks").catch(() => [] as string[]);
  for (const org of orgs) candidates.push(`locks/${org}/${project}/${stack}`);
  return candidates;
}

/**
 * The first lock file of a stack, or undefined when there is none (or the locks cannot be listed: this is a
 * courtesy pre-check, and the engine still refuses a locked stack with its own error).
 */
export async function readLockHolder(
  source: LockSource,
  project: string,
  stack: string,
): Promise<LockHolder | undefined> {
  for (const dir of await lockDirs(source, project, stack)) {
    const files = (await source.list(dir).catch(() => [] as string[])).filter((name) => name.endsWith(".json"));
    for (const name of files) {
      const file = `${source.location}/${dir}/${name}`;
      try {
        const content = await source.readJson<LockFileContent>(`${dir}/${name}`);
        if (content === undefined) continue; // released between the listing and the read
        const who = `${content.username ?? "unknown user"}@${content.hostname ?? "unknown host"}`;
        return { who, pid: content.pid, since: content.timestamp, file };
      } catch {
        return { who: "unknown (unreadable lock file)", pid: undefined, since: undefined, file };
      }
    }
  }
  return undefined;
}

/** Parses "created by user@host (pid 123) at 2026-01-01T00:00:00Z" out of the CLI's error text. */
export function lockHolderFromText(text: string): LockHolder | undefined {
  const match = /created by (\S+) \(pid (\d+)\) at ([^\s]+(?: [^\s]+ [^\s]+)?)/.exec(text);
  if (match === null) return undefined;
  return { who: match[1] ?? "unknown", pid: Number(match[2]), since: match[3], file: undefined };
}

/**
 * A lock whose process is gone: taken on this host by a pid that no longer runs. (On another host we cannot tell.)
 * Pulumi never expires a DIY lock by itself; a dead holder's lock stays until `pulumi cancel` deletes it.
 */
export function lockIsStale(holder: LockHolder, thisHost: string): boolean {
  const host = holder.who.slice(holder.who.lastIndexOf("@") + 1);
  if (holder.pid === undefined || host !== thisHost) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error: unknown) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

export function describeLock(holder: LockHolder | undefined): string {
  if (holder === undefined) return "another operation (holder unknown)";
  const pid = holder.pid === undefined ? "" : ` (pid ${holder.pid})`;
  const since = holder.since === undefined ? "" : ` since ${holder.since}`;
  return `${holder.who}${pid}${since}`;
}
