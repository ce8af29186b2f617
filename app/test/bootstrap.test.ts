import { randomBytes } from "node:crypto";
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import pg from "pg";
import pino from "pino";
import { runBootstrap, loadBootstrapConfig, type BootstrapConfig } from "../src/bootstrap/run";
import { scramVerifier } from "../src/bootstrap/scram";
import { ConfigError } from "../src/config";
import { migrate } from "../src/db/migrate";
import { openPostgres } from "../src/db/postgres";
import { createLogger } from "../src/logger";
import { LogCapture } from "./support/logs";

const MASTER_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1111-AbCdEf";
const APP_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:acme-db-app-1234567-QwErTy";
const SERVER = process.env["DATABASE_URL"];
const describeServer = SERVER ? describe : describe.skip;

describe("bootstrap configuration", () => {
  it("reads exactly what the bootstrap task definition passes, and names every missing key", () => {
    const config = loadBootstrapConfig({
      TENANT_SLUG: "acme", DB_HOST: "db.example", DB_NAME: "app", DB_MASTER_SECRET_ARN: MASTER_ARN, DB_SECRET_ARN: APP_ARN,
      DB_SSL_CA_FILE: "/app/certs/rds-global-bundle.pem", DB_APP_USERNAME: "app", AWS_REGION: "us-east-1", DB_PORT: "5432",
    });
    expect(config).toMatchObject({ port: 5432, appRole: "app", caFile: "/app/certs/rds-global-bundle.pem", masterSecretArn: MASTER_ARN, appSecretArn: APP_ARN });
    const err = (() => {
      try {
        loadBootstrapConfig({ TENANT_SLUG: "acme", DB_APP_USERNAME: "App; DROP" });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual(expect.arrayContaining([
      "DB_HOST: is required", "DB_MASTER_SECRET_ARN: is required", "DB_SECRET_ARN: is required", "AWS_REGION: is required",
      "DB_APP_USERNAME: must be a lower-case PostgreSQL role name",
    ]));
  });
});

describeServer("bootstrap against a PostgreSQL server (skipped without DATABASE_URL: it creates roles and a database)", () => {
  const suffix = randomBytes(4).toString("hex");
  const master = `boot_master_${suffix}`;
  const appRole = `boot_app_${suffix}`;
  const group = `boot_group_${suffix}`;
  const database = `boot_db_${suffix}`;
  const url = new URL(SERVER ?? "postgres://127.0.0.1/test");
  const sm = mockClient(SecretsManagerClient);
  const written: string[] = [];
  const admin = new pg.Client({ connectionString: SERVER });

  const as = async <T>(user: string, fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ host: url.hostname, port: Number(url.port || 5432), database, user, password: "unused-with-trust-auth" });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  const config = (): BootstrapConfig => ({
    tenantSlug: "acme", host: url.hostname, port: Number(url.port || 5432), database, masterSecretArn: MASTER_ARN,
    appSecretArn: APP_ARN, appRole, caFile: undefined, awsRegion: "us-east-1", logLevel: "info",
  });
  const silent = pino({ level: "silent" });

  beforeAll(async () => {
    await admin.connect();
    // The RDS master user is not a superuser: it can create roles and databases (rds_superuser's CREATEROLE, CREATEDB).
    await admin.query(`CREATE ROLE ${master} LOGIN CREATEROLE CREATEDB`);
    await admin.query(`CREATE ROLE ${group} NOLOGIN`);
    await admin.query(`CREATE DATABASE ${database} OWNER ${master}`);
    sm.on(GetSecretValueCommand, { SecretId: MASTER_ARN }).resolves({ SecretString: JSON.stringify({ username: master, password: "master-pw" }) });
    sm.on(PutSecretValueCommand).callsFake((input: { SecretId: string; SecretString: string }) => {
      if (input.SecretId !== APP_ARN) throw new Error(`unexpected secret ${input.SecretId}`);
      written.push(input.SecretString);
      return {};
    });
    // An existing tenant: the app logged in as the master user, so the master user owns the tables and their rows.
    const asMaster = await openPostgres({ target: { kind: "url", url: `postgres://${master}@${url.hostname}:${url.port || 5432}/${database}` }, caFile: undefined, poolMax: 1, logger: silent });
    await migrate(asMaster);
    await asMaster.query("INSERT INTO items (name) VALUES ($1), ($2)", ["Legs the Frog", "Patti the Platypus"]);
    await asMaster.close();
  }, 60_000);

  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    for (const role of [appRole, group, master]) await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
    sm.restore();
  });

  const roleFacts = async () => {
    const attrs = await admin.query("SELECT rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls FROM pg_roles WHERE rolname = $1", [appRole]);
    const memberOf = await admin.query("SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = $1", [appRole]);
    return { attrs: attrs.rows[0] as Record<string, boolean>, memberOf: memberOf.rows.map((r: { rolname: string }) => r.rolname) };
  };
  const owners = () => as(master, async (c) => (await c.query(
    `SELECT c.relname AS name, pg_get_userbyid(c.relowner) AS owner FROM pg_class c
      WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'S') ORDER BY 1`)).rows as { name: string; owner: string }[]);

  it("moves an existing tenant to the app role: least privilege, owner of its tables, rows kept, password stored", async () => {
    expect((await owners()).find((o) => o.name === "items")?.owner).toBe(master);
    const logs = new LogCapture();
    const result = await runBootstrap(config(), { secrets: new SecretsManagerClient({ region: "us-east-1" }), logger: createLogger({ tenantSlug: "acme", level: "info", destination: logs }) });
    expect(result).toMatchObject({ roleCreated: true, migrationsApplied: [] });
    expect(result.reassigned).toBeGreaterThanOrEqual(4); // items, item_counts, schema_migrations, the trigger function

    expect(await roleFacts()).toEqual({
      attrs: { rolcanlogin: true, rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolreplication: false, rolbypassrls: false },
      memberOf: [],
    });
    for (const o of await owners()) expect(o).toEqual({ name: o.name, owner: appRole });
    const schemaOwner = await as(master, async (c) => (await c.query("SELECT pg_get_userbyid(nspowner) AS o FROM pg_namespace WHERE nspname = 'public'")).rows[0]?.o);
    expect(schemaOwner).toBe(appRole);
    const fnOwner = await as(master, async (c) => (await c.query("SELECT pg_get_userbyid(proowner) AS o FROM pg_proc WHERE proname = 'items_count_trigger'")).rows[0]?.o);
    expect(fnOwner).toBe(appRole);
    expect(await as(appRole, async (c) => (await c.query("SELECT name FROM items ORDER BY id")).rows.map((r: { name: string }) => r.name))).toEqual(["Legs the Frog", "Patti the Platypus"]);

    expect(written).toHaveLength(1);
    const secret = JSON.parse(written[0] ?? "{}") as { username: string; password: string };
    expect(secret.username).toBe(appRole);
    expect(secret.password.length).toBeGreaterThanOrEqual(40);
    // The server holds a SCRAM verifier, never the password; the logs hold neither.
    const stored = (await admin.query("SELECT rolpassword FROM pg_authid WHERE rolname = $1", [appRole])).rows[0]?.rolpassword as string;
    expect(stored).toMatch(/^SCRAM-SHA-256\$4096:/);
    expect(stored).not.toContain(secret.password);
    expect(logs.text).not.toContain(secret.password);
    expect(logs.text).not.toContain("master-pw");
  });

  it("is idempotent: a second run changes the password, drops a stray membership, reassigns nothing and keeps the data", async () => {
    await admin.query(`GRANT ${group} TO ${appRole}`);
    const result = await runBootstrap(config(), { secrets: new SecretsManagerClient({ region: "us-east-1" }), logger: silent });
    expect(result).toEqual({ roleCreated: false, reassigned: 0, migrationsApplied: [] });
    expect((await roleFacts()).memberOf).toEqual([]);
    expect(written).toHaveLength(2);
    expect(JSON.parse(written[1] ?? "{}").password).not.toBe(JSON.parse(written[0] ?? "{}").password);
    // The app role can do what the app does: write rows, and the counter trigger (now its function) still runs.
    await as(appRole, (c) => c.query("INSERT INTO items (name) VALUES ('Chocolate the Moose')"));
    expect(await as(appRole, async (c) => (await c.query("SELECT live::int FROM item_counts")).rows[0]?.live)).toBe(3);
  });

  it("refuses to leave a role that is a superuser as it is", async () => {
    await admin.query(`ALTER ROLE ${appRole} SUPERUSER`);
    await expect(runBootstrap(config(), { secrets: new SecretsManagerClient({ region: "us-east-1" }), logger: silent })).rejects.toThrow(
      /SUPERUSER|must be superuser/);
    await admin.query(`ALTER ROLE ${appRole} NOSUPERUSER`);
    expect(written).toHaveLength(2);
  });
});

describe("SCRAM verifier", () => {
  const serverIt = SERVER ? it : it.skip;
  serverIt("matches what PostgreSQL stores for the same password and salt (skipped without DATABASE_URL)", async () => {
    const c = new pg.Client({ connectionString: SERVER });
    await c.connect();
    const role = `scram_probe_${randomBytes(4).toString("hex")}`;
    try {
      await c.query("SET password_encryption = 'scram-sha-256'");
      await c.query(`CREATE ROLE ${role} PASSWORD 'correct horse battery staple'`);
      const stored = (await c.query("SELECT rolpassword FROM pg_authid WHERE rolname = $1", [role])).rows[0]?.rolpassword as string;
      const salt = Buffer.from(/^SCRAM-SHA-256\$4096:([^$]+)\$/.exec(stored)?.[1] ?? "", "base64");
      expect(scramVerifier("correct horse battery staple", salt)).toBe(stored);
    } finally {
      await c.query(`DROP ROLE IF EXISTS ${role}`);
      await c.end();
    }
  });
});
