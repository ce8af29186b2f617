import { randomBytes } from "node:crypto";
import pg from "pg";
import pino from "pino";
import type { DatabaseConfig } from "../../src/config";
import type { Database } from "../../src/db/database";
import { openPglite } from "../../src/db/pglite";
import { openPostgres } from "../../src/db/postgres";
import { freshPgliteDir } from "./pglite-dirs";

export type Backend = "pglite" | "postgres";

/** PGlite always; the PostgreSQL server too when DATABASE_URL is set (CI sets it). */
export const BACKENDS: readonly Backend[] = process.env["DATABASE_URL"] ? ["pglite", "postgres"] : ["pglite"];

export interface TestDatabase {
  readonly config: DatabaseConfig;
  /** Opens another connection (pool) to the same database/schema; PGlite allows one open at a time. */
  open(): Promise<Database>;
  /** Drops what the test created. */
  cleanup(): Promise<void>;
}

function serverUrl(): string {
  const url = process.env["DATABASE_URL"];
  if (url === undefined || url === "") throw new Error("DATABASE_URL is not set");
  return url;
}

/**
 * A database nobody else uses: a fresh PGlite in its own data folder (PGLITE_DATA_DIR mode, copied from an initialised
 * one, see ./pglite-dirs), or a fresh schema on the server reached through `search_path`, so parallel jest workers and
 * test files never see each other's rows or migrations.
 */
export async function freshDatabase(backend: Backend): Promise<TestDatabase> {
  if (backend === "pglite") {
    const { dir, cleanup } = await freshPgliteDir();
    return {
      config: { kind: "pglite", dataDir: dir },
      open: () => openPglite(dir),
      cleanup: async () => cleanup(),
    };
  }
  const schema = `app_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl());
  url.searchParams.set("options", `-c search_path=${schema}`);
  const config: DatabaseConfig = { kind: "url", url: url.toString(), caFile: undefined, poolMax: 5 };
  return {
    config,
    open: () =>
      openPostgres({
        target: { kind: "url", url: config.url },
        caFile: undefined,
        poolMax: 5,
        logger: pino({ level: "silent" }),
      }),
    async cleanup() {
      const c = new pg.Client({ connectionString: serverUrl() });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA ${schema} CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}
