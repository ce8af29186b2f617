import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import pg from "pg";
import type { Logger } from "pino";
import type { RotatingCredentials } from "../secrets";
import { TYPE_PARSERS, type Database, type Queryable } from "./database";

// Per-pool parsers, so nothing else in the process sees changed global pg type parsing.
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    TYPE_PARSERS[oid] ?? pg.types.getTypeParser(oid, format ?? "text")) as typeof pg.types.getTypeParser,
};

// Every statement the app runs is one of a bounded set of parameterised texts, so each is prepared once per
// connection (by name) and afterwards only bound and executed: PostgreSQL skips parsing and planning per request.
const statementNames = new Map<string, string>();
function prepared(sql: string, params: readonly unknown[] | undefined): pg.QueryConfig {
  if (params === undefined) return { text: sql };
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = `s${createHash("sha1").update(sql).digest("hex").slice(0, 16)}`;
    statementNames.set(sql, name);
  }
  return { name, text: sql, values: [...params] };
}

/** SQLSTATE 28P01 invalid_password, 28000 invalid_authorization_specification. */
export function isAuthFailure(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "28P01" || code === "28000";
}

export type PostgresTarget =
  | { readonly kind: "url"; readonly url: string }
  | {
      readonly kind: "rds";
      readonly host: string;
      readonly port: number;
      readonly database: string;
      readonly credentials: RotatingCredentials;
    };

export interface PostgresOptions {
  readonly target: PostgresTarget;
  readonly caFile: string | undefined;
  readonly poolMax: number;
  readonly logger: Logger;
}

/**
 * A pg Pool behind the Database seam. With RDS credentials every new connection asks RotatingCredentials for the
 * password; when a login fails the cached secret is dropped and the operation retried once, which is how the app
 * survives the managed password's rotation without a restart.
 */
export async function openPostgres(opts: PostgresOptions): Promise<Database> {
  // verify-full against the RDS CA bundle: rejectUnauthorized also checks the host name.
  const ssl =
    opts.caFile === undefined ? undefined : { ca: readFileSync(opts.caFile, "utf8"), rejectUnauthorized: true };
  const target = opts.target;
  const base: pg.PoolConfig = {
    max: opts.poolMax,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
    types,
    ...(ssl ? { ssl } : {}),
  };
  const config: pg.PoolConfig =
    target.kind === "url"
      ? { ...base, connectionString: target.url }
      : {
          ...base,
          host: target.host,
          port: target.port,
          database: target.database,
          user: (await target.credentials.get()).username,
          password: async () => (await target.credentials.get()).password,
        };
  const pool = new pg.Pool(config);
  // An idle client's error (e.g. the server restarting) must not crash the process; the pool replaces it.
  pool.on("error", (err) => opts.logger.warn({ err }, "idle database connection failed"));

  const withAuthRetry = async <T>(op: () => Promise<T>): Promise<T> => {
    try {
      return await op();
    } catch (err) {
      if (target.kind !== "rds" || !isAuthFailure(err)) throw err;
      opts.logger.warn("database login failed; re-reading the credentials secret (rotation) and reconnecting");
      target.credentials.invalidate();
      return op();
    }
  };

  const clientQueryable = (client: pg.PoolClient): Queryable => ({
    async query<R extends object>(sql: string, params?: readonly unknown[]): Promise<R[]> {
      return (await client.query<R>(prepared(sql, params))).rows;
    },
    async exec(sql: string): Promise<void> {
      await client.query(sql);
    },
  });

  return {
    kind: "postgres",
    async query<R extends object>(sql: string, params?: readonly unknown[]): Promise<R[]> {
      return withAuthRetry(async () => (await pool.query<R>(prepared(sql, params))).rows);
    },
    async exec(sql: string): Promise<void> {
      await withAuthRetry(() => pool.query(sql));
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await withAuthRetry(() => pool.connect());
      try {
        await client.query("BEGIN");
        const result = await fn(clientQueryable(client));
        await client.query("COMMIT");
        client.release();
        return result;
      } catch (err) {
        // A connection that cannot even roll back is broken; destroy it instead of returning it to the pool.
        const broken = await client.query("ROLLBACK").then(
          () => false,
          () => true,
        );
        client.release(broken);
        throw err;
      }
    },
    close: () => pool.end(),
  };
}
