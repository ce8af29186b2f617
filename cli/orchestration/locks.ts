/**
 * Who holds a stack's lock. Pulumi's file backend writes one JSON file per lock under
 * `.pulumi/locks/<org>/<project>/<stack>/` (`{pid, username, hostname, timestamp}`); its error text also names
 * the holder. We prefer the lock file and fall back to the text.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

export interface LockHolder {
  readonly who: string;
  readonly pid: number | undefined;
  readonly since: string | undefined;
  readonly file: string | undefined;
}

interface LockFileContent {
  readonly pid?: number;
  readonly username?: string;
  readonly hostname?: string;
  readonly timestamp?: string;
}

async function lockDirs(fileRoot: string, project: string, stack: string): Promise<string[]> {
  const base = join(fileRoot, ".pulumi", "locks");
  const candidates = [join(base, project, stack)];
  const orgs = await readdir(base).catch(() => [] as string[]);
  for (const org of orgs) candidates.push(join(base, org, project, stack));
  return candidates;
}

export async function readLockHolder(fileRoot: string, project: string, stack: string): Promise<LockHolder | undefined> {
  for (const dir of await lockDirs(fileRoot, project, stack)) {
    const files = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.endsWith(".json"));
    for (const name of files) {
      const file = join(dir, name);
      try {
        const content = JSON.parse(await readFile(file, "utf8")) as LockFileContent;
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

export function describeLock(holder: LockHolder | undefined): string {
  if (holder === undefined) return "another operation (holder unknown)";
  const pid = holder.pid === undefined ? "" : ` (pid ${holder.pid})`;
  const since = holder.since === undefined ? "" : ` since ${holder.since}`;
  return `${holder.who}${pid}${since}`;
}
