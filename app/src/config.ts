import { z } from "zod";

/** Thrown when the environment cannot start the app; the message names the offending key. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration: ${problems.join("; ")}`);
    this.name = "ConfigError";
  }
}

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const intFromEnv = (min: number, max: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === "" ? String(fallback) : v.trim()))
    .pipe(z.coerce.number<string>().int().min(min).max(max));

/**
 * Every environment variable the app reads. The tenant task definition passes the AWS-mode keys;
 * a developer machine uses DATABASE_URL / ADMIN_TOKEN / PGLITE_DATA_DIR instead.
 */
const EnvSchema = z.object({
  PORT: intFromEnv(0, 65535, 8080),
  HOST: optionalText,
  // Required unless TENANT_IDENTITY_SECRET_ARN is set (see missingTogether).
  TENANT_SLUG: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,62}$/, "must be a lower-case slug like acme-corp")
    .optional(),
  TENANT_DISPLAY_NAME: z.string().trim().min(1, "must not be empty").max(100).optional(),
  // A pool-born tenant: its immutable id, and the secret its identity (slug, display name, skin) is read from.
  TENANT_ID: z
    .string()
    .regex(/^t[a-z2-7]{10}$/, "must be a tenant id like tq3x7k2mzpa")
    .optional(),
  TENANT_IDENTITY_SECRET_ARN: optionalText,
  IDENTITY_MAX_AGE_MS: intFromEnv(1000, 3_600_000, 30_000),
  // Checked strictly because both go into the page's CSS and markup.
  SKIN_PRIMARY_COLOR: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, "must be a hex colour like #336699")
    .optional()
    .transform((v) => v ?? "#7a3db8"),
  SKIN_LOGO_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
  DB_HOST: optionalText,
  DB_PORT: intFromEnv(1, 65535, 5432),
  DB_NAME: optionalText,
  DB_SECRET_ARN: optionalText,
  DB_SSL_CA_FILE: optionalText,
  DB_POOL_MAX: intFromEnv(1, 100, 10),
  DATABASE_URL: optionalText,
  PGLITE_DATA_DIR: optionalText,
  ADMIN_TOKEN_SECRET_ARN: optionalText,
  ADMIN_TOKEN: optionalText.pipe(z.string().min(16, "must be at least 16 characters").optional()),
  AWS_REGION: optionalText,
  RATE_LIMIT_PER_MINUTE: intFromEnv(1, 1_000_000, 600),
  SHUTDOWN_TIMEOUT_MS: intFromEnv(1000, 120_000, 25_000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional().default("info"),
});

const present = (env: NodeJS.ProcessEnv, key: string): boolean => (env[key]?.trim() ?? "") !== "";

/** Keys that are required only together with others; checked on the raw environment so all problems show at once. */
function missingTogether(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const need = (key: string, why: string) => {
    if (!present(env, key)) problems.push(`${key}: is required ${why}`);
  };
  if (present(env, "DB_SECRET_ARN")) {
    need("DB_HOST", "when DB_SECRET_ARN is set");
    need("DB_NAME", "when DB_SECRET_ARN is set");
  } else if (present(env, "DB_HOST")) {
    need("DB_SECRET_ARN", "when DB_HOST is set (credentials come from the app role's secret)");
  }
  if (present(env, "TENANT_IDENTITY_SECRET_ARN")) {
    need("TENANT_ID", "when TENANT_IDENTITY_SECRET_ARN is set");
  } else {
    if (!present(env, "TENANT_SLUG")) problems.push("TENANT_SLUG: is required");
    if (env["TENANT_DISPLAY_NAME"] === undefined) problems.push("TENANT_DISPLAY_NAME: is required");
  }
  if (
    present(env, "DB_SECRET_ARN") ||
    present(env, "ADMIN_TOKEN_SECRET_ARN") ||
    present(env, "TENANT_IDENTITY_SECRET_ARN")
  )
    need("AWS_REGION", "to read secrets");
  if (!present(env, "ADMIN_TOKEN") && !present(env, "ADMIN_TOKEN_SECRET_ARN"))
    problems.push("ADMIN_TOKEN_SECRET_ARN: is required (or ADMIN_TOKEN locally)");
  return problems;
}

export type DatabaseConfig =
  | {
      readonly kind: "rds";
      readonly host: string;
      readonly port: number;
      readonly database: string;
      readonly secretArn: string;
      readonly caFile: string | undefined;
      readonly poolMax: number;
    }
  | { readonly kind: "url"; readonly url: string; readonly caFile: string | undefined; readonly poolMax: number }
  | { readonly kind: "pglite"; readonly dataDir: string | undefined };

export type AdminTokenSource =
  { readonly kind: "secret"; readonly arn: string } | { readonly kind: "literal"; readonly token: string };

export interface Skin {
  readonly displayName: string;
  readonly primaryColor: string;
  readonly logoUrl: string | undefined;
}

/** Where a pool-born tenant reads its identity at run time (app/src/identity.ts). */
export interface IdentitySecretConfig {
  readonly arn: string;
  readonly tenantId: string;
  readonly maxAgeMs: number;
}

export interface AppConfig {
  readonly port: number;
  readonly host: string;
  /** The slug, or a pool-born tenant's id (its slug is not known at start): what the logs are keyed by. */
  readonly tenantSlug: string;
  /** Set for pool-born tenants: `skin` is then only a placeholder and the identity comes from this secret. */
  readonly identitySecret: IdentitySecretConfig | undefined;
  readonly skin: Skin;
  readonly database: DatabaseConfig;
  readonly adminToken: AdminTokenSource;
  readonly awsRegion: string | undefined;
  readonly rateLimitPerMinute: number;
  readonly shutdownTimeoutMs: number;
  readonly logLevel: string;
}

/** Parses the process environment once at start; throws ConfigError listing every bad or missing key. */
export function loadConfig(env: NodeJS.ProcessEnv): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  const problems = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((i) => {
          const key = i.path.join(".");
          return i.code === "invalid_type" && env[key] === undefined ? `${key}: is required` : `${key}: ${i.message}`;
        })),
    ...missingTogether(env),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  const database: DatabaseConfig =
    e.DB_SECRET_ARN !== undefined && e.DB_HOST !== undefined && e.DB_NAME !== undefined
      ? {
          kind: "rds",
          host: e.DB_HOST,
          port: e.DB_PORT,
          database: e.DB_NAME,
          secretArn: e.DB_SECRET_ARN,
          caFile: e.DB_SSL_CA_FILE,
          poolMax: e.DB_POOL_MAX,
        }
      : e.DATABASE_URL !== undefined
        ? { kind: "url", url: e.DATABASE_URL, caFile: e.DB_SSL_CA_FILE, poolMax: e.DB_POOL_MAX }
        : { kind: "pglite", dataDir: e.PGLITE_DATA_DIR };
  const adminToken: AdminTokenSource =
    e.ADMIN_TOKEN_SECRET_ARN !== undefined
      ? { kind: "secret", arn: e.ADMIN_TOKEN_SECRET_ARN }
      : { kind: "literal", token: e.ADMIN_TOKEN ?? "" };
  return {
    port: e.PORT,
    // Binding all interfaces is what a container needs; HOST narrows it for local runs and tests.
    host: e.HOST ?? "0.0.0.0",
    tenantSlug: e.TENANT_SLUG ?? e.TENANT_ID ?? "",
    identitySecret:
      e.TENANT_IDENTITY_SECRET_ARN !== undefined && e.TENANT_ID !== undefined
        ? { arn: e.TENANT_IDENTITY_SECRET_ARN, tenantId: e.TENANT_ID, maxAgeMs: e.IDENTITY_MAX_AGE_MS }
        : undefined,
    skin: {
      displayName: e.TENANT_DISPLAY_NAME ?? e.TENANT_ID ?? "",
      primaryColor: e.SKIN_PRIMARY_COLOR,
      logoUrl: e.SKIN_LOGO_URL,
    },
    database,
    adminToken,
    awsRegion: e.AWS_REGION,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
  };
}
