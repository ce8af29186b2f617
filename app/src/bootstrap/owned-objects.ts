/**
 * The few calls the bootstrap makes on its master-user connection: a pg Client has them (tests also drive them
 * through the embedded PostgreSQL).
 */
export interface SqlClient {
  query<R extends object = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
  escapeIdentifier(name: string): string;
  escapeLiteral(value: string): string;
}

/** The schema the app's migrations create their objects in. */
export const APP_SCHEMA = "public";

const RELATION_KEYWORD: Readonly<Record<string, string>> = {
  r: "TABLE",
  p: "TABLE",
  v: "VIEW",
  m: "MATERIALIZED VIEW",
  f: "FOREIGN TABLE",
  S: "SEQUENCE",
};

/**
 * Gives the owner role every object of the app's schema that someone else owns: the oldest tenants' tables were
 * created by the master user (the app logged in as it), and a migration run without SET ROLE leaves its objects to
 * the login role that ran it. The owner changes, the rows stay. Indexes, triggers and identity/serial sequences
 * follow their table. Returns how many objects changed owner.
 */
export async function reassignToOwner(client: SqlClient, owner: string): Promise<number> {
  const who = client.escapeIdentifier(owner);
  const relations = await client.query<{ name: string; kind: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name, c.relkind AS kind
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
        AND pg_get_userbyid(c.relowner) <> $2
        AND NOT (c.relkind = 'S' AND EXISTS (
          SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')))
      ORDER BY 1`,
    [APP_SCHEMA, owner],
  );
  const routines = await client.query<{ name: string }>(
    `SELECT p.oid::regprocedure::text AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = $1 AND pg_get_userbyid(p.proowner) <> $2 ORDER BY 1`,
    [APP_SCHEMA, owner],
  );
  const types = await client.query<{ name: string; kind: string }>(
    `SELECT t.oid::regtype::text AS name, t.typtype AS kind FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = $1 AND t.typtype IN ('d', 'e', 'r') AND pg_get_userbyid(t.typowner) <> $2 ORDER BY 1`,
    [APP_SCHEMA, owner],
  );
  for (const r of relations.rows)
    await client.query(`ALTER ${RELATION_KEYWORD[r.kind] ?? "TABLE"} ${r.name} OWNER TO ${who}`);
  for (const r of routines.rows) await client.query(`ALTER ROUTINE ${r.name} OWNER TO ${who}`);
  for (const t of types.rows)
    await client.query(`ALTER ${t.kind === "d" ? "DOMAIN" : "TYPE"} ${t.name} OWNER TO ${who}`);
  return relations.rows.length + routines.rows.length + types.rows.length;
}
