import type pg from "pg";
import { scramVerifier } from "./scram";

export interface AppRoleResult {
  readonly created: boolean;
  /** Objects in the app's schema whose owner changed to the app role (tables the master user created, …). */
  readonly reassigned: number;
  /** Role memberships the app role lost (e.g. rds_superuser). */
  readonly revokedMemberships: readonly string[];
}

const SCHEMA = "public";

/**
 * Run as the RDS master user, in one transaction: the app's own role exists, may log in with `password`, holds no
 * SUPERUSER/CREATEROLE/CREATEDB and no role memberships, and owns the `public` schema of `database` and everything
 * in it, so its migrations can create and alter what they need. Safe to repeat: every step checks before it acts.
 */
export async function ensureAppRole(client: pg.ClientBase, role: string, password: string, database: string): Promise<AppRoleResult> {
  const who = client.escapeIdentifier(role);
  const verifier = client.escapeLiteral(scramVerifier(password));
  await client.query("BEGIN");
  try {
    // Two bootstrap tasks at once (a retried `up`) queue here instead of racing on CREATE ROLE.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('tenantctl-bootstrap-app-role'))");
    const existing = await client.query<{ oid: number }>("SELECT oid FROM pg_roles WHERE rolname = $1", [role]);
    const created = existing.rowCount === 0;
    // SUPERUSER/REPLICATION/BYPASSRLS may only be named by a superuser, which the RDS master is not: CREATE sets
    // them off by default, and the check below refuses a pre-existing role that has them.
    await client.query(created
      ? `CREATE ROLE ${who} LOGIN NOCREATEDB NOCREATEROLE INHERIT PASSWORD ${verifier}`
      : `ALTER ROLE ${who} WITH LOGIN NOCREATEDB NOCREATEROLE PASSWORD ${verifier}`);
    const attrs = await client.query<{ rolsuper: boolean; rolreplication: boolean; rolbypassrls: boolean }>(
      "SELECT rolsuper, rolreplication, rolbypassrls FROM pg_roles WHERE rolname = $1", [role]);
    const a = attrs.rows[0];
    if (a === undefined || a.rolsuper || a.rolreplication || a.rolbypassrls) {
      throw new Error(`role ${role} has SUPERUSER, REPLICATION or BYPASSRLS; a superuser must remove them (ALTER ROLE ${role} NOSUPERUSER NOREPLICATION NOBYPASSRLS)`);
    }

    const memberships = await client.query<{ name: string }>(
      `SELECT g.rolname AS name FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
        WHERE u.rolname = $1 ORDER BY 1`, [role]);
    for (const { name } of memberships.rows) await client.query(`REVOKE ${client.escapeIdentifier(name)} FROM ${who}`);

    // ALTER … OWNER TO needs the acting user to be able to become the new owner.
    const member = await client.query<{ ok: boolean }>("SELECT pg_has_role(current_user, $1, 'MEMBER') AS ok", [role]);
    if (member.rows[0]?.ok !== true) await client.query(`GRANT ${who} TO CURRENT_USER`);

    // ALTER SCHEMA … OWNER requires the new owner to hold CREATE on the database.
    await client.query(`GRANT CONNECT, TEMPORARY, CREATE ON DATABASE ${client.escapeIdentifier(database)} TO ${who}`);
    await client.query(`ALTER SCHEMA ${SCHEMA} OWNER TO ${who}`);
    const reassigned = await reassignObjects(client, who, role);
    await client.query("COMMIT");
    return { created, reassigned, revokedMemberships: memberships.rows.map((r) => r.name) };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  }
}

const RELATION_KEYWORD: Readonly<Record<string, string>> = {
  r: "TABLE", p: "TABLE", v: "VIEW", m: "MATERIALIZED VIEW", f: "FOREIGN TABLE", S: "SEQUENCE",
};

/**
 * Existing tenants' tables were created by the master user (the app used to log in as it). Their owner changes,
 * their rows stay. Indexes, triggers and identity/serial sequences follow their table.
 */
async function reassignObjects(client: pg.ClientBase, who: string, role: string): Promise<number> {
  const relations = await client.query<{ name: string; kind: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name, c.relkind AS kind
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
        AND pg_get_userbyid(c.relowner) <> $2
        AND NOT (c.relkind = 'S' AND EXISTS (
          SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')))
      ORDER BY 1`, [SCHEMA, role]);
  const routines = await client.query<{ name: string }>(
    `SELECT p.oid::regprocedure::text AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = $1 AND pg_get_userbyid(p.proowner) <> $2 ORDER BY 1`, [SCHEMA, role]);
  const types = await client.query<{ name: string; kind: string }>(
    `SELECT t.oid::regtype::text AS name, t.typtype AS kind FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = $1 AND t.typtype IN ('d', 'e', 'r') AND pg_get_userbyid(t.typowner) <> $2 ORDER BY 1`, [SCHEMA, role]);
  for (const r of relations.rows) await client.query(`ALTER ${RELATION_KEYWORD[r.kind] ?? "TABLE"} ${r.name} OWNER TO ${who}`);
  for (const r of routines.rows) await client.query(`ALTER ROUTINE ${r.name} OWNER TO ${who}`);
  for (const t of types.rows) await client.query(`ALTER ${t.kind === "d" ? "DOMAIN" : "TYPE"} ${t.name} OWNER TO ${who}`);
  return relations.rows.length + routines.rows.length + types.rows.length;
}
