import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Database, Queryable } from "./database";

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** The migrations folder ships next to dist/ in the image (see Dockerfile), so it resolves from this file. */
export const MIGRATIONS_DIR = join(__dirname, "..", "..", "migrations");

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Reads `NNNN_name.sql` files in version order; refuses gaps and duplicates so a bad checkout fails at start. */
export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .map((file) => {
      const m = FILE_PATTERN.exec(file);
      if (m === null) throw new Error(`migration file ${file} must be named NNNN_snake_case.sql`);
      return { version: Number(m[1]), name: m[2] ?? file, sql: readFileSync(join(dir, file), "utf8") };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`migration versions must run 1..n without gaps; found ${m.version} at position ${i + 1}`);
  });
  return migrations;
}

/**
 * Logged in as one of the app's login roles (alternating users, app/src/bootstrap/app-roles.ts), the session takes
 * on the schema's owner role for this transaction, so what the migrations create is the owner's, never the login
 * role's (which a later run may stop using). Only when the schema's owner is an ordinary role (oid 16384 and up, not a predefined one
 * such as pg_database_owner) whose privileges the current user inherits (a login role's membership; not the ADMIN-only
 * membership PostgreSQL 16+ gives a role's creator), and the current user is not a superuser: a local
 * database, an embedded one or the single-role design migrate as they always did.
 */
async function actAsSchemaOwner(tx: Queryable): Promise<void> {
  const rows = await tx.query<{ statement: string }>(
    `SELECT format('SET LOCAL ROLE %I', o.rolname) AS statement
       FROM pg_namespace n JOIN pg_roles o ON o.oid = n.nspowner JOIN pg_roles me ON me.rolname = current_user
      WHERE n.nspname = current_schema() AND o.oid <> me.oid AND o.oid >= 16384 AND NOT me.rolsuper
        AND pg_has_role(me.oid, o.oid, 'USAGE')`,
  );
  const statement = rows[0]?.statement;
  if (statement !== undefined) await tx.exec(statement);
}

export interface MigrationResult {
  readonly applied: readonly number[];
  readonly current: number;
}

/**
 * Applies pending migrations in one transaction under a transaction-scoped advisory lock. Tasks that start together
 * queue on the lock; each then sees what the first recorded and applies nothing twice. The lock key includes the
 * schema so separate schemas in one database (tests, previews) do not wait on each other.
 */
export async function migrate(
  db: Database,
  migrations: readonly Migration[] = readMigrations(),
): Promise<MigrationResult> {
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('tenantctl-app-migrations:' || current_schema()))");
    await actAsSchemaOwner(tx);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version    integer PRIMARY KEY,
         name       text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const done = new Set(
      (await tx.query<{ version: number }>("SELECT version FROM schema_migrations")).map((r) => r.version),
    );
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await tx.exec(m.sql);
      await tx.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [m.version, m.name]);
      applied.push(m.version);
    }
    return { applied, current: migrations.length === 0 ? 0 : Math.max(...migrations.map((m) => m.version)) };
  });
}

/** True when every known migration is recorded; /readyz uses it so a half-migrated task takes no traffic. */
export async function isMigrated(db: Database, migrations: readonly Migration[]): Promise<boolean> {
  const rows = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM schema_migrations WHERE version = ANY($1::int[])",
    [migrations.map((m) => m.version)],
  );
  return (rows[0]?.n ?? 0) === migrations.length;
}
