import { existsSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";

/**
 * The jest run's cache folder (TENANTCTL_TEST_WORLDS, made by the root's jest globalSetup and removed at the end of the
 * run), or undefined when there is none (a run without it, or TENANTCTL_TEST_WORLDS=off).
 */
export function runCacheDir(): string | undefined {
  const cache = process.env["TENANTCTL_TEST_WORLDS"];
  return cache === undefined || cache === "" || cache === "off" || !existsSync(cache) ? undefined : cache;
}

/**
 * A temporary folder in the cache to fill, then publish under its entry name with one rename, so that other workers
 * see the entry whole or not at all. When two workers race, the first rename wins and the loser's copy is dropped.
 * Call drop() in a finally: it removes what was not published.
 */
export function stageEntry(cache: string, prefix: string): { dir: string; publish(entry: string): void; drop(): void } {
  const dir = mkdtempSync(join(cache, prefix));
  return {
    dir,
    publish: (entry) => {
      try {
        renameSync(dir, entry);
      } catch (error: unknown) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
      }
    },
    drop: () => rmSync(dir, { recursive: true, force: true }),
  };
}
