import { randomBytes } from "node:crypto";
import pg from "pg";
import { appRoleNames, nextLoginRole } from "../src/bootstrap/app-roles";
import { loadBootstrapConfig } from "../src/bootstrap/run";
import { scramVerifier } from "../src/bootstrap/scram";
import { ConfigError } from "../src/config";

const MASTER_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1111-AbCdEf";
const APP_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:acme-db-app-1234567-QwErTy";
const SERVER = process.env["DATABASE_URL"];

describe("bootstrap configuration", () => {
  it("reads exactly what the bootstrap task definition passes, and names every missing key", () => {
    const config = loadBootstrapConfig({
      TENANT_SLUG: "acme",
      DB_HOST: "db.example",
      DB_NAME: "app",
      DB_MASTER_SECRET_ARN: MASTER_ARN,
      DB_SECRET_ARN: APP_ARN,
      DB_SSL_CA_FILE: "/app/certs/rds-global-bundle.pem",
      DB_APP_USERNAME: "app",
      AWS_REGION: "us-east-1",
      DB_PORT: "5432",
    });
    expect(config).toMatchObject({
      port: 5432,
      appRole: "app",
      caFile: "/app/certs/rds-global-bundle.pem",
      masterSecretArn: MASTER_ARN,
      appSecretArn: APP_ARN,
    });
    const err = (() => {
      try {
        loadBootstrapConfig({ TENANT_SLUG: "acme", DB_APP_USERNAME: "App; DROP" });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual(
      expect.arrayContaining([
        "DB_HOST: is required",
        "DB_MASTER_SECRET_ARN: is required",
        "DB_SECRET_ARN: is required",
        "AWS_REGION: is required",
        "DB_APP_USERNAME: must be a lower-case PostgreSQL role name of at most 61 characters (the login roles add _a and _b)",
      ]),
    );
  });
});

describe("alternating login roles", () => {
  const names = appRoleNames("app");

  it("keeps the single role's name for the owner and adds two login roles", () => {
    expect(names).toEqual({ owner: "app", logins: ["app_a", "app_b"] });
  });

  it.each([
    [undefined, "app_a"], // a new tenant: the app secret has no value yet
    ["app", "app_a"], // moving from the single-role design: the secret names the owner
    ["app_owner", "app_a"], // anything else (the master user of the oldest design)
    ["app_a", "app_b"],
    ["app_b", "app_a"],
  ])("with the secret naming %s, rotates %s", (current, next) => {
    expect(nextLoginRole(names, current)).toBe(next);
  });

  it("refuses an owner name that leaves no room for the login roles' suffix", () => {
    const base = {
      TENANT_SLUG: "acme",
      DB_HOST: "db",
      DB_NAME: "app",
      DB_MASTER_SECRET_ARN: MASTER_ARN,
      DB_SECRET_ARN: APP_ARN,
      AWS_REGION: "us-east-1",
    };
    expect(loadBootstrapConfig({ ...base, DB_APP_USERNAME: "a".repeat(61) }).appRole).toHaveLength(61);
    expect(() => loadBootstrapConfig({ ...base, DB_APP_USERNAME: "a".repeat(62) })).toThrow(ConfigError);
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
      const stored = (await c.query("SELECT rolpassword FROM pg_authid WHERE rolname = $1", [role])).rows[0]
        ?.rolpassword as string;
      const salt = Buffer.from(/^SCRAM-SHA-256\$4096:([^$]+)\$/.exec(stored)?.[1] ?? "", "base64");
      expect(scramVerifier("correct horse battery staple", salt)).toBe(stored);
    } finally {
      await c.query(`DROP ROLE IF EXISTS ${role}`);
      await c.end();
    }
  });
});
