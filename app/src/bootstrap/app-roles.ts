import { APP_SCHEMA, reassignToOwner, type SqlClient } from "./owned-objects";
import { scramVerifier } from "./scram";

/**
 * AWS Secrets Manager's "alternating users" strategy
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotation-strategy.html): one NOLOGIN role owns the
 * schema and its objects; two LOGIN roles are members of it. Each bootstrap run gives a fresh password to the login
 * role the app secret does NOT name, then points the secret at it, so the role the running tasks use keeps working
 * until the next run and no login fails between the password change and the secret's update.
 */
export interface AppRoleNames {
  readonly owner: string;
  readonly logins: readonly [string, string];
}

/** `app` → owner `app`, logins `app_a` and `app_b`: the owner keeps the name the single-role design gave the app's role. */
export function appRoleNames(base: string): AppRoleNames {
  return { owner: base, logins: [`${base}_a`, `${base}_b`] };
}

/** The login role to give the new password: the one the secret does not name (the first when it names neither). */
export function nextLoginRole(names: AppRoleNames, current: string | undefined): string {
  return current === names.logins[0] ? names.logins[1] : names.logins[0];
}

export interface AppRolesResult {
  readonly ownerCreated: boolean;
  /** Objects in the app's schema whose owner changed to the owner role (tables the master user created, …). */
  readonly reassigned: number;
  /** Role memberships removed from the three roles (e.g. rds_superuser), as `member → role`. */
  readonly revokedMemberships: readonly string[];
  /** Whether the owner may still log in: only while the secret names it (a tenant moving from the single role). */
  readonly ownerCanLogin: boolean;
}

export interface AppRolesOptions {
  readonly database: string;
  /** The login role that gets `password` (nextLoginRole). */
  readonly rotate: string;
  readonly password: string;
  /**
   * The secret still names the owner (the single-role design): its tasks log in as it until this run's secret is
   * read, so it keeps LOGIN and its password this once; the next run takes them away.
   */
  readonly ownerInSecret: boolean;
}

type Client = SqlClient;

async function roleExists(client: Client, role: string): Promise<boolean> {
  return (await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role])).rows.length > 0;
}

/**
 * Whether the current user may make `role` an owner (ALTER … OWNER TO). Since PostgreSQL 16 that takes the SET option
 * on a membership (https://www.postgresql.org/docs/16/sql-altertable.html), and the membership a CREATEROLE user gets
 * in a role it creates has ADMIN but neither SET nor INHERIT (createrole_self_grant empty, the default), so MEMBER is
 * not enough; RDS runs 16. Before 16 any membership allowed it, and 'SET' is not a privilege pg_has_role knows.
 */
async function canBecome(client: Client, role: string): Promise<boolean> {
  const version = await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
  const privilege = Number(version.rows[0]?.v ?? 0) >= 160000 ? "SET" : "MEMBER";
  const found = await client.query<{ ok: boolean }>(`SELECT pg_has_role(current_user, $1, '${privilege}') AS ok`, [
    role,
  ]);
  return found.rows[0]?.ok === true;
}

/** SUPERUSER/REPLICATION/BYPASSRLS may only be removed by a superuser, which the RDS master is not: refuse instead. */
async function refuseElevated(client: Client, role: string): Promise<void> {
  const attrs = await client.query<{ rolsuper: boolean; rolreplication: boolean; rolbypassrls: boolean }>(
    "SELECT rolsuper, rolreplication, rolbypassrls FROM pg_roles WHERE rolname = $1",
    [role],
  );
  const a = attrs.rows[0];
  if (a === undefined || a.rolsuper || a.rolreplication || a.rolbypassrls) {
    throw new Error(
      `role ${role} has SUPERUSER, REPLICATION or BYPASSRLS; a superuser must remove them (ALTER ROLE ${role} NOSUPERUSER NOREPLICATION NOBYPASSRLS)`,
    );
  }
}

/** Drops every membership of `role` except in `keep`; returns what was dropped. */
async function revokeMemberships(client: Client, role: string, keep: string | undefined): Promise<string[]> {
  const memberships = await client.query<{ name: string }>(
    `SELECT g.rolname AS name FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
      WHERE u.rolname = $1 ORDER BY 1`,
    [role],
  );
  const dropped = memberships.rows.map((r) => r.name).filter((name) => name !== keep);
  for (const name of dropped)
    await client.query(`REVOKE ${client.escapeIdentifier(name)} FROM ${client.escapeIdentifier(role)}`);
  return dropped.map((name) => `${role} → ${name}`);
}

async function isDirectMember(client: Client, member: string, role: string): Promise<boolean> {
  const found = await client.query(
    `SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
      WHERE u.rolname = $1 AND g.rolname = $2`,
    [member, role],
  );
  return found.rows.length > 0;
}

/** The owner: NOLOGIN (unless the secret still names it), no CREATEDB/CREATEROLE, owner of the schema and everything in it. */
async function ensureOwner(
  client: Client,
  names: AppRoleNames,
  opts: AppRolesOptions,
): Promise<{ created: boolean; reassigned: number; revoked: string[] }> {
  const who = client.escapeIdentifier(names.owner);
  const created = !(await roleExists(client, names.owner));
  if (created) await client.query(`CREATE ROLE ${who} NOLOGIN NOCREATEDB NOCREATEROLE INHERIT`);
  else
    await client.query(
      `ALTER ROLE ${who} WITH NOCREATEDB NOCREATEROLE${opts.ownerInSecret ? "" : " NOLOGIN PASSWORD NULL"}`,
    );
  await refuseElevated(client, names.owner);
  const revoked = await revokeMemberships(client, names.owner, undefined);
  // ALTER … OWNER TO needs the acting user to be able to become the new owner.
  if (!(await canBecome(client, names.owner))) await client.query(`GRANT ${who} TO CURRENT_USER`);
  // ALTER SCHEMA … OWNER requires the new owner to hold CREATE on the database.
  await client.query(
    `GRANT CONNECT, TEMPORARY, CREATE ON DATABASE ${client.escapeIdentifier(opts.database)} TO ${who}`,
  );
  await client.query(`ALTER SCHEMA ${APP_SCHEMA} OWNER TO ${who}`);
  return { created, reassigned: await reassignToOwner(client, names.owner), revoked };
}

/** A login role: LOGIN, INHERIT, member of the owner only; a new password only for the one being rotated. */
async function ensureLogin(
  client: Client,
  role: string,
  names: AppRoleNames,
  opts: AppRolesOptions,
): Promise<string[]> {
  const who = client.escapeIdentifier(role);
  const password = role === opts.rotate ? ` PASSWORD ${client.escapeLiteral(scramVerifier(opts.password))}` : "";
  // A login role created without a password cannot log in until a later run rotates it: nothing names it before then.
  if (await roleExists(client, role))
    await client.query(`ALTER ROLE ${who} WITH LOGIN NOCREATEDB NOCREATEROLE INHERIT${password}`);
  else await client.query(`CREATE ROLE ${who} LOGIN NOCREATEDB NOCREATEROLE INHERIT${password}`);
  await refuseElevated(client, role);
  const revoked = await revokeMemberships(client, role, names.owner);
  if (!(await isDirectMember(client, role, names.owner)))
    await client.query(`GRANT ${client.escapeIdentifier(names.owner)} TO ${who}`);
  return revoked;
}

/**
 * Run as the RDS master user, in one transaction: the owner and both login roles exist as described above, none with
 * SUPERUSER/CREATEROLE/CREATEDB or other memberships, and `opts.rotate` may log in with `opts.password`. The other
 * login role (the one the secret names) is left as it is. Safe to repeat: every step checks before it acts.
 */
export async function ensureAppRoles(
  client: Client,
  names: AppRoleNames,
  opts: AppRolesOptions,
): Promise<AppRolesResult> {
  if (!names.logins.includes(opts.rotate))
    throw new Error(`${opts.rotate} is not one of the login roles ${names.logins.join(", ")}`);
  await client.query("BEGIN");
  try {
    // Two bootstrap tasks at once (a retried `up`) queue here instead of racing on CREATE ROLE.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('tenantctl-bootstrap-app-role'))");
    const owner = await ensureOwner(client, names, opts);
    const revoked = [...owner.revoked];
    for (const login of names.logins) revoked.push(...(await ensureLogin(client, login, names, opts)));
    const canLogin = await client.query<{ rolcanlogin: boolean }>(
      "SELECT rolcanlogin FROM pg_roles WHERE rolname = $1",
      [names.owner],
    );
    await client.query("COMMIT");
    return {
      ownerCreated: owner.created,
      reassigned: owner.reassigned,
      revokedMemberships: revoked,
      ownerCanLogin: canLogin.rows[0]?.rolcanlogin === true,
    };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  }
}
