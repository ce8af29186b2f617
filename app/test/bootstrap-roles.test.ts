import { randomBytes } from "node:crypto";
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import pg from "pg";
import pino from "pino";
import { runBootstrap, type BootstrapConfig } from "../src/bootstrap/run";
import { scramVerifier } from "../src/bootstrap/scram";
import { migrate, readMigrations, type Migration } from "../src/db/migrate";
import { openPostgres } from "../src/db/postgres";
import { createLogger } from "../src/logger";
import { LogCapture } from "./support/logs";

// The bootstrap's alternating login roles against a real server, for both kinds of existing tenant: the oldest,
// whose tables the master user owns, and the single app role of the previous design, which the running tasks use.
const SERVER = process.env["DATABASE_URL"];
const describeServer = SERVER ? describe : describe.skip;
const url = new URL(SERVER ?? "postgres://127.0.0.1/test");
const silent = pino({ level: "silent" });

/** Secrets Manager as the bootstrap sees it: a secret without a value answers ResourceNotFoundException. */
const store = new Map<string, string>();
const sm = mockClient(SecretsManagerClient);
sm.on(GetSecretValueCommand).callsFake((input: { SecretId: string }) => {
  const value = store.get(input.SecretId);
  if (value === undefined)
    throw new ResourceNotFoundException({
      message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
      $metadata: {},
    });
  return { SecretString: value };
});
sm.on(PutSecretValueCommand).callsFake((input: { SecretId: string; SecretString: string }) => {
  store.set(input.SecretId, input.SecretString);
  return {};
});

interface Fixture {
  readonly master: string;
  readonly owner: string;
  readonly logins: readonly [string, string];
  readonly database: string;
  readonly appArn: string;
  readonly config: BootstrapConfig;
}

describeServer(
  "bootstrap: alternating login roles on a PostgreSQL server (skipped without DATABASE_URL: it creates roles and databases)",
  () => {
    const admin = new pg.Client({ connectionString: SERVER });
    const fixtures: Fixture[] = [];

    const newFixture = async (label: string): Promise<Fixture> => {
      const suffix = randomBytes(4).toString("hex");
      const master = `boot_master_${label}_${suffix}`;
      const owner = `boot_app_${label}_${suffix}`;
      const database = `boot_db_${label}_${suffix}`;
      const masterArn = `arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-${suffix}-AbCdEf`;
      const appArn = `arn:aws:secretsmanager:us-east-1:123456789012:secret:${label}-db-app-${suffix}-QwErTy`;
      // The RDS master user is not a superuser: it can create roles and databases (rds_superuser's CREATEROLE, CREATEDB).
      await admin.query(`CREATE ROLE ${master} LOGIN CREATEROLE CREATEDB`);
      await admin.query(`CREATE DATABASE ${database} OWNER ${master}`);
      store.set(masterArn, JSON.stringify({ username: master, password: "master-pw" }));
      const f: Fixture = {
        master,
        owner,
        logins: [`${owner}_a`, `${owner}_b`],
        database,
        appArn,
        config: {
          tenantSlug: label,
          host: url.hostname,
          port: Number(url.port || 5432),
          database,
          masterSecretArn: masterArn,
          appSecretArn: appArn,
          appRole: owner,
          caFile: undefined,
          awsRegion: "us-east-1",
          logLevel: "info",
        },
      };
      fixtures.push(f);
      return f;
    };
    const as = async <T>(f: Fixture, user: string, fn: (c: pg.Client) => Promise<T>): Promise<T> => {
      const c = new pg.Client({
        host: url.hostname,
        port: Number(url.port || 5432),
        database: f.database,
        user,
        password: "unused-with-trust-auth",
      });
      await c.connect();
      try {
        return await fn(c);
      } finally {
        await c.end();
      }
    };
    const migrateAs = async (f: Fixture, user: string) => {
      const db = await openPostgres({
        target: { kind: "url", url: `postgres://${user}@${url.hostname}:${url.port || 5432}/${f.database}` },
        caFile: undefined,
        poolMax: 1,
        logger: silent,
      });
      await migrate(db);
      await db.query("INSERT INTO items (name) VALUES ($1), ($2)", ["Legs the Frog", "Patti the Platypus"]);
      await db.close();
    };
    const bootstrap = (f: Fixture, migrations?: readonly Migration[], logs?: LogCapture) =>
      runBootstrap(f.config, {
        secrets: new SecretsManagerClient({ region: "us-east-1" }),
        logger:
          logs === undefined
            ? silent
            : createLogger({ tenantSlug: f.config.tenantSlug, level: "info", destination: logs }),
        ...(migrations === undefined ? {} : { migrations }),
      });
    const secret = (f: Fixture) => JSON.parse(store.get(f.appArn) ?? "{}") as { username?: string; password?: string };
    const facts = async (role: string) => {
      const attrs = await admin.query(
        "SELECT rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls FROM pg_roles WHERE rolname = $1",
        [role],
      );
      const memberOf = await admin.query(
        "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = $1",
        [role],
      );
      return {
        ...(attrs.rows[0] as Record<string, boolean>),
        memberOf: memberOf.rows.map((r: { rolname: string }) => r.rolname),
      };
    };
    const verifier = async (role: string) =>
      (await admin.query("SELECT rolpassword FROM pg_authid WHERE rolname = $1", [role])).rows[0]?.rolpassword as
        string | null;
    /** The server holds a SCRAM verifier for exactly this password (salted: recomputed with the stored salt). */
    const holdsPassword = async (role: string, password: string) => {
      const stored = (await verifier(role)) ?? "";
      const salt = Buffer.from(/^SCRAM-SHA-256\$4096:([^$]+)\$/.exec(stored)?.[1] ?? "", "base64");
      return stored !== "" && scramVerifier(password, salt) === stored;
    };
    const owners = (f: Fixture) =>
      as(
        f,
        f.master,
        async (c) =>
          (
            await c.query(
              `SELECT c.relname AS name, pg_get_userbyid(c.relowner) AS owner FROM pg_class c
      WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'S') ORDER BY 1`,
            )
          ).rows as { name: string; owner: string }[],
      );
    const itemNames = (f: Fixture, user: string) =>
      as(f, user, async (c) =>
        (await c.query("SELECT name FROM items ORDER BY id")).rows.map((r: { name: string }) => r.name),
      );
    const leastPrivilege = {
      rolsuper: false,
      rolcreaterole: false,
      rolcreatedb: false,
      rolreplication: false,
      rolbypassrls: false,
    };

    beforeAll(async () => {
      await admin.connect();
      await admin.query("SET password_encryption = 'scram-sha-256'");
    });

    afterAll(async () => {
      for (const f of fixtures) {
        await admin.query(`DROP DATABASE IF EXISTS ${f.database} WITH (FORCE)`);
        for (const role of [...f.logins, f.owner, `${f.owner}_stray`, f.master])
          await admin.query(`DROP ROLE IF EXISTS ${role}`);
      }
      await admin.end();
      sm.restore();
    });

    describe("the oldest tenants: the master user owns the tables", () => {
      let f: Fixture;
      beforeAll(async () => {
        f = await newFixture("oldest");
        await migrateAs(f, f.master);
      }, 60_000);

      it("moves everything to a NOLOGIN owner, keeps the rows, and points the secret at the first login role", async () => {
        expect((await owners(f)).find((o) => o.name === "items")?.owner).toBe(f.master);
        const logs = new LogCapture();
        const result = await bootstrap(f, undefined, logs);
        expect(result).toMatchObject({ ownerCreated: true, loginRole: f.logins[0], migrationsApplied: [] });
        expect(result.reassigned).toBeGreaterThanOrEqual(4); // items, item_counts, schema_migrations, the trigger function

        expect(await facts(f.owner)).toEqual({ ...leastPrivilege, rolcanlogin: false, memberOf: [] });
        for (const login of f.logins)
          expect(await facts(login)).toEqual({ ...leastPrivilege, rolcanlogin: true, memberOf: [f.owner] });
        for (const o of await owners(f)) expect(o).toEqual({ name: o.name, owner: f.owner });
        expect(
          await as(
            f,
            f.master,
            async (c) =>
              (await c.query("SELECT pg_get_userbyid(nspowner) AS o FROM pg_namespace WHERE nspname = 'public'"))
                .rows[0]?.o,
          ),
        ).toBe(f.owner);
        expect(await itemNames(f, f.logins[0])).toEqual(["Legs the Frog", "Patti the Platypus"]);

        const written = secret(f);
        expect(written.username).toBe(f.logins[0]);
        expect(written.password?.length).toBeGreaterThanOrEqual(40);
        expect(await holdsPassword(f.logins[0], written.password ?? "")).toBe(true);
        // The other login role gets a password only when a later run rotates it.
        expect(await verifier(f.logins[1])).toBeNull();
        expect(logs.text).not.toContain(written.password);
        expect(logs.text).not.toContain("master-pw");
      });

      it("a second run rotates the other login role and leaves the one in use alone; what a migration creates is the owner's", async () => {
        const inUse = secret(f);
        const inUseVerifier = await verifier(f.logins[0]);
        await admin.query(`CREATE ROLE ${f.owner}_stray NOLOGIN`);
        await admin.query(`GRANT ${f.owner}_stray TO ${f.logins[0]}`);
        const next: Migration = {
          version: readMigrations().length + 1,
          name: "bootstrap_test_table",
          sql: "CREATE TABLE bootstrap_test_table (id integer)",
        };

        const result = await bootstrap(f, [...readMigrations(), next]);
        expect(result).toEqual({
          ownerCreated: false,
          loginRole: f.logins[1],
          reassigned: 0,
          migrationsApplied: [next.version],
        });
        // The role the running tasks use: same password, still able to log in, still a member of the owner only.
        expect(await verifier(f.logins[0])).toBe(inUseVerifier);
        expect(await holdsPassword(f.logins[0], inUse.password ?? "")).toBe(true);
        expect(await facts(f.logins[0])).toEqual({ ...leastPrivilege, rolcanlogin: true, memberOf: [f.owner] });
        expect(secret(f).username).toBe(f.logins[1]);
        expect(await holdsPassword(f.logins[1], secret(f).password ?? "")).toBe(true);
        // Migrated by the rotated login role acting as the owner (SET ROLE), so the owner owns the new table.
        expect((await owners(f)).find((o) => o.name === "bootstrap_test_table")?.owner).toBe(f.owner);
        // Both login roles do what the app does: write rows, and the counter trigger (the owner's function) still runs.
        await as(f, f.logins[0], (c) => c.query("INSERT INTO items (name) VALUES ('Chocolate the Moose')"));
        await as(f, f.logins[1], (c) => c.query("INSERT INTO items (name) VALUES ('Spot the Dog')"));
        expect(
          await as(f, f.logins[1], async (c) => (await c.query("SELECT live::int FROM item_counts")).rows[0]?.live),
        ).toBe(4);
      });

      it("a third run rotates the first login role again", async () => {
        const inUseVerifier = await verifier(f.logins[1]);
        expect((await bootstrap(f)).loginRole).toBe(f.logins[0]);
        expect(await verifier(f.logins[1])).toBe(inUseVerifier);
        expect(secret(f).username).toBe(f.logins[0]);
        expect(await holdsPassword(f.logins[0], secret(f).password ?? "")).toBe(true);
      });

      it("two runs at once (a retried up) take turns: the secret's password is the one its role holds", async () => {
        const results = await Promise.all([bootstrap(f), bootstrap(f)]);
        expect(results.map((r) => r.loginRole).sort()).toEqual([...f.logins].sort());
        expect(await holdsPassword(secret(f).username ?? "", secret(f).password ?? "")).toBe(true);
      });

      it("refuses to leave a login role that is a superuser as it is, and leaves the secret alone", async () => {
        const before = store.get(f.appArn);
        await admin.query(`ALTER ROLE ${f.logins[1]} SUPERUSER`);
        await expect(bootstrap(f)).rejects.toThrow(/SUPERUSER|must be superuser/);
        await admin.query(`ALTER ROLE ${f.logins[1]} NOSUPERUSER`);
        expect(store.get(f.appArn)).toBe(before);
      });
    });

    describe("the previous design: one LOGIN app role owns the tables and the running tasks use it", () => {
      let f: Fixture;
      beforeAll(async () => {
        f = await newFixture("single");
        await admin.query(`CREATE ROLE ${f.owner} LOGIN NOCREATEDB NOCREATEROLE PASSWORD 'previous-pw'`);
        await admin.query(`GRANT CONNECT, TEMPORARY, CREATE ON DATABASE ${f.database} TO ${f.owner}`);
        // As a superuser in the tenant's database (the public schema belongs to pg_database_owner until then).
        const inDatabase = new URL(SERVER ?? "");
        inDatabase.pathname = `/${f.database}`;
        const c = new pg.Client({ connectionString: inDatabase.toString() });
        await c.connect();
        await c.query(`ALTER SCHEMA public OWNER TO ${f.owner}`);
        await c.end();
        await migrateAs(f, f.owner);
        store.set(f.appArn, JSON.stringify({ username: f.owner, password: "previous-pw" }));
      }, 60_000);

      it("keeps the app role's login for the tasks that use it this once, and points the secret at a login role", async () => {
        const previous = await verifier(f.owner);
        const result = await bootstrap(f);
        expect(result).toEqual({ ownerCreated: false, loginRole: f.logins[0], reassigned: 0, migrationsApplied: [] });
        expect(await facts(f.owner)).toEqual({ ...leastPrivilege, rolcanlogin: true, memberOf: [] });
        expect(await verifier(f.owner)).toBe(previous);
        expect(secret(f).username).toBe(f.logins[0]);
        expect(await itemNames(f, f.logins[0])).toEqual(["Legs the Frog", "Patti the Platypus"]);
      });

      it("the next run takes the owner's login and password away and rotates the other login role", async () => {
        const inUseVerifier = await verifier(f.logins[0]);
        expect((await bootstrap(f)).loginRole).toBe(f.logins[1]);
        expect(await facts(f.owner)).toEqual({ ...leastPrivilege, rolcanlogin: false, memberOf: [] });
        expect(await verifier(f.owner)).toBeNull();
        expect(await verifier(f.logins[0])).toBe(inUseVerifier);
        expect(await itemNames(f, f.logins[1])).toEqual(["Legs the Frog", "Patti the Platypus"]);
      });
    });
  },
);
