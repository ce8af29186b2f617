import type { PGlite, Transaction } from "@electric-sql/pglite";
import { TYPE_PARSERS, type Database, type Queryable } from "./database";

/**
 * PGlite's emscripten loader calls dynamic `import()`, which module sandboxes such as jest's vm refuse (and jest
 * also wraps `require("node:module")`). Loading it through Node's own, unwrapped module system keeps it working
 * wherever the caller runs; under plain `node` this is exactly a normal require. Needs Node >= 20.16.
 */
function loadPglite(): typeof import("@electric-sql/pglite") {
  const nodeModule = process.getBuiltinModule("node:module");
  return nodeModule.createRequire(__filename)("@electric-sql/pglite") as typeof import("@electric-sql/pglite");
}

function queryable(q: PGlite | Transaction): Queryable {
  return {
    async query<R extends object>(sql: string, params?: readonly unknown[]): Promise<R[]> {
      return (await q.query<R>(sql, params === undefined ? undefined : [...params])).rows;
    },
    async exec(sql: string): Promise<void> {
      await q.exec(sql);
    },
  };
}

/**
 * Embedded Postgres for machines without a server: in memory when `dataDir` is undefined, otherwise persisted there.
 * PGlite is a single connection that queues statements, so its transactions are exclusive by construction.
 */
export async function openPglite(dataDir: string | undefined): Promise<Database> {
  const db = await loadPglite().PGlite.create({ ...(dataDir === undefined ? {} : { dataDir }), parsers: TYPE_PARSERS });
  return {
    kind: "pglite",
    ...queryable(db),
    transaction: (fn) => db.transaction((tx) => fn(queryable(tx))),
    close: () => db.close(),
  };
}
