import { ConfigError, loadConfig } from "../src/config";

const LOCAL = { TENANT_SLUG: "artmatt", TENANT_DISPLAY_NAME: "Matt's Beanies", ADMIN_TOKEN: "a-very-long-admin-token" };
const AWS = {
  TENANT_SLUG: "acme",
  TENANT_DISPLAY_NAME: "ACME Corp",
  DB_HOST: "acme.cluster.eu-west-1.rds.amazonaws.com",
  DB_NAME: "app",
  DB_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1",
  ADMIN_TOKEN_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:acme-admin",
  AWS_REGION: "eu-west-1",
  DB_SSL_CA_FILE: "/etc/ssl/certs/rds-global-bundle.pem",
};

const problems = (env: Record<string, string>): readonly string[] => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error("expected a ConfigError");
};

describe("loadConfig", () => {
  it("runs locally on in-memory PGlite with defaults", () => {
    const c = loadConfig(LOCAL);
    expect(c).toMatchObject({
      port: 8080,
      host: "0.0.0.0",
      tenantSlug: "artmatt",
      database: { kind: "pglite", dataDir: undefined },
      adminToken: { kind: "literal" },
    });
    expect(c.skin).toEqual({ displayName: "Matt's Beanies", primaryColor: "#7a3db8", logoUrl: undefined });
  });

  it("reads the tenant task definition's variables into RDS mode", () => {
    const c = loadConfig({
      ...AWS,
      PORT: "3000",
      SKIN_PRIMARY_COLOR: "#003366",
      SKIN_LOGO_URL: "https://cdn.example.com/acme.png",
    });
    expect(c.database).toEqual({
      kind: "rds",
      host: AWS.DB_HOST,
      port: 5432,
      database: "app",
      secretArn: AWS.DB_SECRET_ARN,
      caFile: AWS.DB_SSL_CA_FILE,
      poolMax: 10,
    });
    expect(c.adminToken).toEqual({ kind: "secret", arn: AWS.ADMIN_TOKEN_SECRET_ARN });
    expect(c.port).toBe(3000);
    expect(c.skin.logoUrl).toBe("https://cdn.example.com/acme.png");
  });

  it("prefers DATABASE_URL over PGlite, and PGLITE_DATA_DIR persists", () => {
    expect(loadConfig({ ...LOCAL, DATABASE_URL: "postgres://x@h/db" }).database.kind).toBe("url");
    expect(loadConfig({ ...LOCAL, PGLITE_DATA_DIR: "/tmp/beanies" }).database).toEqual({
      kind: "pglite",
      dataDir: "/tmp/beanies",
    });
  });

  it("names each missing key", () => {
    expect(problems({})).toEqual(
      expect.arrayContaining([
        "TENANT_SLUG: is required",
        "TENANT_DISPLAY_NAME: is required",
        "ADMIN_TOKEN_SECRET_ARN: is required (or ADMIN_TOKEN locally)",
      ]),
    );
    const { DB_NAME: _n, AWS_REGION: _r, ...partial } = AWS;
    expect(problems(partial)).toEqual([
      "DB_NAME: is required when DB_SECRET_ARN is set",
      "AWS_REGION: is required to read secrets",
    ]);
    const { DB_SECRET_ARN: _s, ...noSecret } = AWS;
    expect(problems(noSecret)).toEqual([
      "DB_SECRET_ARN: is required when DB_HOST is set (credentials come from the app role's secret)",
    ]);
  });

  it("rejects values that would be unsafe in the page or meaningless", () => {
    expect(problems({ ...LOCAL, SKIN_PRIMARY_COLOR: "red;}</style><script>" })).toEqual([
      "SKIN_PRIMARY_COLOR: must be a hex colour like #336699",
    ]);
    expect(problems({ ...LOCAL, SKIN_LOGO_URL: "javascript:alert(1)" })[0]).toMatch(/^SKIN_LOGO_URL: /);
    expect(problems({ ...LOCAL, PORT: "http" })[0]).toMatch(/^PORT: /);
    expect(problems({ ...LOCAL, TENANT_SLUG: "Bad Slug" })).toEqual([
      "TENANT_SLUG: must be a lower-case slug like acme-corp",
    ]);
    expect(problems({ ...LOCAL, ADMIN_TOKEN: "short" })).toEqual(["ADMIN_TOKEN: must be at least 16 characters"]);
  });

  it("never echoes a secret value in its messages", () => {
    const token = "tiny-secret";
    expect(problems({ ...LOCAL, ADMIN_TOKEN: token }).join(" ")).not.toContain(token);
  });
});
