import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { PutSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import pg from "pg";
import type { Logger } from "pino";
import { z } from "zod";
import { ConfigError } from "../config";
import { migrate, readMigrations, type Migration } from "../db/migrate";
import { openPostgres } from "../db/postgres";
import { readDbCredentials, RotatingCredentials } from "../secrets";
import { ensureAppRole } from "./app-role";

/** 32 random bytes: the app role's password, new on every run, never printed. */
const PASSWORD_BYTES = 32;

const text = z.string().trim().min(1, "is required");
const BootstrapEnvSchema = z.object({
  TENANT_SLUG: text,
  DB_HOST: text,
  DB_PORT: z.string().optional().transform((v) => (v === undefined || v.trim() === "" ? "5432" : v.trim())).pipe(z.coerce.number<string>().int().min(1).max(65535)),
  DB_NAME: text,
  DB_MASTER_SECRET_ARN: text,
  DB_SECRET_ARN: text,
  DB_APP_USERNAME: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lower-case PostgreSQL role name").optional().default("app"),
  DB_SSL_CA_FILE: z.string().trim().optional().transform((v) => (v === undefined || v === "" ? undefined : v)),
  AWS_REGION: text,
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional().default("info"),
});

export interface BootstrapConfig {
  readonly tenantSlug: string;
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly masterSecretArn: string;
  /** The app role's secret: written here, read by the service. */
  readonly appSecretArn: string;
  readonly appRole: string;
  readonly caFile: string | undefined;
  readonly awsRegion: string;
  readonly logLevel: string;
}

/** Every variable the task definition passes (infra/tenant/container.ts bootstrapEnvironment); all problems at once. */
export function loadBootstrapConfig(env: NodeJS.ProcessEnv): BootstrapConfig {
  const parsed = BootstrapEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => {
      const key = i.path.join(".");
      return env[key] === undefined ? `${key}: is required` : `${key}: ${i.message}`;
    }));
  }
  const e = parsed.data;
  return {
    tenantSlug: e.TENANT_SLUG, host: e.DB_HOST, port: e.DB_PORT, database: e.DB_NAME, masterSecretArn: e.DB_MASTER_SECRET_ARN,
    appSecretArn: e.DB_SECRET_ARN, appRole: e.DB_APP_USERNAME, caFile: e.DB_SSL_CA_FILE, awsRegion: e.AWS_REGION, logLevel: e.LOG_LEVEL,
  };
}

export interface BootstrapDeps {
  readonly secrets: SecretsManagerClient;
  readonly logger: Logger;
  /** Tests pass their own; the image's migrations otherwise. */
  readonly migrations?: readonly Migration[];
}

export interface BootstrapResult {
  readonly roleCreated: boolean;
  readonly reassigned: number;
  readonly migrationsApplied: readonly number[];
}

/**
 * The one-off step before every deploy of a new bootstrap revision: as the master user, make the app role right
 * and give it a fresh password; store that password in the app secret; then run the migrations as the app role
 * (so the role it will serve with owns what they create). The service's tasks re-read the secret when a login
 * fails, so running ones follow the new password without a restart.
 */
export async function runBootstrap(config: BootstrapConfig, deps: BootstrapDeps): Promise<BootstrapResult> {
  const { logger } = deps;
  // verify-full against the RDS CA bundle, as the app does; RDS for PostgreSQL 15+ refuses unencrypted logins.
  const ssl = config.caFile === undefined ? undefined : { ca: readFileSync(config.caFile, "utf8"), rejectUnauthorized: true };
  if (ssl === undefined) logger.warn("DB_SSL_CA_FILE is not set: the database connection is not encrypted");
  const master = await readDbCredentials(deps.secrets, config.masterSecretArn);
  const password = randomBytes(PASSWORD_BYTES).toString("base64url");

  const client = new pg.Client({
    host: config.host, port: config.port, database: config.database, user: master.username, password: master.password,
    connectionTimeoutMillis: 15_000, ...(ssl ? { ssl } : {}),
  });
  await client.connect();
  let role;
  try {
    role = await ensureAppRole(client, config.appRole, password, config.database);
  } finally {
    await client.end().catch(() => undefined);
  }
  logger.info({ role: config.appRole, created: role.created, reassigned: role.reassigned, revokedMemberships: role.revokedMemberships }, "app role ready");

  await deps.secrets.send(new PutSecretValueCommand({
    SecretId: config.appSecretArn,
    SecretString: JSON.stringify({ username: config.appRole, password }),
  }));
  logger.info({ secret: config.appSecretArn }, "app role password stored");

  const credentials = new RotatingCredentials(async () => ({ username: config.appRole, password }));
  const db = await openPostgres({
    target: { kind: "rds", host: config.host, port: config.port, database: config.database, credentials },
    caFile: config.caFile, poolMax: 1, logger,
  });
  try {
    const result = await migrate(db, deps.migrations ?? readMigrations());
    logger.info({ applied: result.applied, version: result.current }, "database migrated as the app role");
    return { roleCreated: role.created, reassigned: role.reassigned, migrationsApplied: result.applied };
  } finally {
    await db.close();
  }
}
