import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openPglite } from "../../src/db/pglite";
import { runCacheDir, stageEntry } from "./run-cache";

/**
 * Fresh PGlite data folders without running initdb for each one. Creating a PGlite from nothing runs initdb in a
 * second WebAssembly instance (about 5 CPU-s here); opening a copy of an initialised folder costs about a third of
 * that. The folder is initialised once per jest run through the app's own openPglite (PGLITE_DATA_DIR mode) and saved
 * in the run's cache folder (run-cache.ts), keyed by the PGlite
 * version; it is written to a temporary folder and renamed into place, so two workers racing both initialise and one
 * copy wins. Without the cache folder (TENANTCTL_TEST_WORLDS=off) every folder is initialised on its own.
 * The in-memory mode (no PGLITE_DATA_DIR) stays covered by app/test/container.test.ts, which runs the image's app.
 */
function pgliteVersion(): string {
  const pkg = join(__dirname, "..", "..", "node_modules", "@electric-sql", "pglite", "package.json");
  return (JSON.parse(readFileSync(pkg, "utf8")) as { version: string }).version;
}

async function initialise(dir: string): Promise<void> {
  const db = await openPglite(dir);
  await db.close();
}

/** The initialised folder in the run's cache, made if missing; undefined without the cache folder. */
async function templateDir(): Promise<string | undefined> {
  const cache = runCacheDir();
  if (cache === undefined) return undefined;
  const entry = join(cache, `pglite-template-${pgliteVersion()}`);
  if (!existsSync(entry)) {
    const staging = stageEntry(cache, ".pglite-template-");
    try {
      await initialise(staging.dir);
      staging.publish(entry);
    } finally {
      staging.drop();
    }
  }
  return entry;
}

/**
 * Where the copies go: the run's temp folder, which jest's globalSetup puts on a memory file system when the machine
 * has one with room (test/support/run-tmpdir.js; a copy is ~40 MB and ~1000 files, which on a disk file system cost
 * noticeable kernel time to write and unlink), and which is removed at the end of the run with anything left in it.
 */
function copiesRoot(): string {
  return tmpdir();
}

/** A new PGlite data folder (an initialised cluster nobody else uses) and how to remove it after its database closed. */
export async function freshPgliteDir(): Promise<{ readonly dir: string; cleanup(): void }> {
  const template = await templateDir();
  const dir = join(mkdtempSync(join(copiesRoot(), "pglite-")), "data");
  if (template === undefined) await initialise(dir);
  else cpSync(template, dir, { recursive: true });
  return { dir, cleanup: () => rmSync(join(dir, ".."), { recursive: true, force: true }) };
}
