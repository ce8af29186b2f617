import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { PutSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import pg from "pg";
import type { Logger } from "pino";
import { z } from "zod";
import { ConfigError } from "../config";
import { migrate, readMigrations, type Migration } from "../db/migrate";
import { openPostgres } from "../db/postgres";
import { readDbCredentials, RotatingCredentials, SecretFormatError } from "../secrets";
import { appRoleNames, ensureAppRoles, nextLoginRole, type AppRolesResult } from "./app-roles";

/** 32 random bytes: the rotated login role's password, new on every run, never printed. */
const PASSWORD_BYTES = 32;

const text = z.string().trim().min(1, "is required");
const BootstrapEnvSchema = z.object({
  TENANT_SLUG: text,
  DB_HOST: text,
  DB_PORT: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === "" ? "5432" : v.trim()))
    .pipe(z.coerce.number<string>().int().min(1).max(65535)),
  DB_NAME: text,
  DB_MASTER_SECRET_ARN: text,
  DB_SECRET_ARN: text,
  // The owner role's name; the login roles add `_a`/`_b`, and PostgreSQL names hold at most 63 bytes.
  DB_APP_USERNAME: z
    .string()
    .regex(
      /^[a-z_][a-z0-9_]{0,60}$/,
      "must be a lower-case PostgreSQL role name of at most 61 characters (the login roles add _a and _b)",
    )
    .optional()
    .default("app"),
  DB_SSL_CA_FILE: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === undefined || v === "" ? undefined : v)),
  AWS_REGION: text,
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional().default("info"),
});

export interface BootstrapConfig {
  readonly tenantSlug: string;
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly masterSecretArn: string;
  /** The app's secret: written here (the login role and its password), read by the service. */
  readonly appSecretArn: string;
  /** The owner role; its login roles are `<appRole>_a` and `<appRole>_b`. */
  readonly appRole: string;
  readonly caFile: string | undefined;
  readonly awsRegion: string;
  readonly logLevel: string;
}

/** Every variable the task definition passes (infra/tenant/container.ts bootstrapEnvironment); all problems at once. */
export function loadBootstrapConfig(env: NodeJS.ProcessEnv): BootstrapConfig {
  const parsed = BootstrapEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const key = i.path.join(".");
        return env[key] === undefined ? `${key}: is required` : `${key}: ${i.message}`;
      }),
    );
  }
  const e = parsed.data;
  return {
    tenantSlug: e.TENANT_SLUG,
    host: e.DB_HOST,
    port: e.DB_PORT,
    database: e.DB_NAME,
    masterSecretArn: e.DB_MASTER_SECRET_ARN,
    appSecretArn: e.DB_SECRET_ARN,
    appRole: e.DB_APP_USERNAME,
    caFile: e.DB_SSL_CA_FILE,
    awsRegion: e.AWS_REGION,
    logLevel: e.LOG_LEVEL,
  };
}

export interface BootstrapDeps {
  readonly secrets: SecretsManagerClient;
  readonly logger: Logger;
  /** Tests pass their own; the image's migrations otherwise. */
  readonly migrations?: readonly Migration[];
}

export interface BootstrapResult {
  readonly ownerCreated: boolean;
  /** The login role that got the new password and that the secret now names. */
  readonly loginRole: string;
  readonly reassigned: number;
  readonly migrationsApplied: readonly number[];
}

/**
 * The username the app secret names now, or undefined when it has no value yet (a new tenant, or one whose service
 * still uses the master secret) or holds something that is not the app's JSON (it is about to be overwritten).
 */
async function currentLogin(deps: BootstrapDeps, arn: string): Promise<string | undefined> {
  try {
    return (await readDbCredentials(deps.secrets, arn)).username;
  } catch (err) {
    if ((err as { name?: unknown }).name === "ResourceNotFoundException") return undefined;
    if (err instanceof SecretFormatError) {
      deps.logger.warn({ secret: arn }, "the app secret does not hold the app's credentials; it is overwritten");
      return undefined;
    }
    throw err;
  }
}

/**
 * On the master user's connection: which login role the secret names, the roles made right with a fresh password for
 * the other one, and the secret pointed at it. One bootstrap at a time from reading the secret to writing it (a
 * session advisory lock; a retried `up` can start a second task): two runs that both read `app_a` would both rotate
 * `app_b`, and the later secret write need not carry the later password.
 */
async function rotateLogin(
  client: pg.Client,
  config: BootstrapConfig,
  deps: BootstrapDeps,
): Promise<{ rotate: string; password: string; roles: AppRolesResult }> {
  await client.query("SELECT pg_advisory_lock(hashtext('tenantctl-bootstrap-app-secret'))");
  const names = appRoleNames(config.appRole);
  const current = await currentLogin(deps, config.appSecretArn);
  const rotate = nextLoginRole(names, current);
  const password = randomBytes(PASSWORD_BYTES).toString("base64url");
  const roles = await ensureAppRoles(client, names, {
    database: config.database,
    rotate,
    password,
    ownerInSecret: current === names.owner,
  });
  deps.logger.info(
    {
      owner: names.owner,
      rotated: rotate,
      inUse: current ?? null,
      ownerCreated: roles.ownerCreated,
      ownerCanLogin: roles.ownerCanLogin,
      reassigned: roles.reassigned,
      revokedMemberships: roles.revokedMemberships,
    },
    "app roles ready",
  );
  await deps.secrets.send(
    new PutSecretValueCommand({
      SecretId: config.appSecretArn,
      SecretString: JSON.stringify({ username: rotate, password }),
    }),
  );
  deps.logger.info({ secret: config.appSecretArn, username: rotate }, "app secret points at the rotated login role");
  return { rotate, password, roles };
}

/**
 * The one-off step before every deploy of a new bootstrap revision: as the master user, make the owner and login
 * roles right and give the login role the secret does not name a fresh password; point the secret at it; then run
 * the migrations as that role, acting as the owner (migrate's SET ROLE), so the owner owns what they create. Tasks
 * running on the other login role keep working until the next run (app-roles.ts).
 */
export async function runBootstrap(config: BootstrapConfig, deps: BootstrapDeps): Promise<BootstrapResult> {
  const { logger } = deps;
  // verify-full against the RDS CA bundle, as the app does; RDS for PostgreSQL 15+ refuses unencrypted logins.
  const ssl =
    config.caFile === undefined ? undefined : { ca: readFileSync(config.caFile, "utf8"), rejectUnauthorized: true };
  if (ssl === undefined) logger.warn("DB_SSL_CA_FILE is not set: the database connection is not encrypted");
  const master = await readDbCredentials(deps.secrets, config.masterSecretArn);
  const client = new pg.Client({
    host: config.host,
    port: config.port,
    database: config.database,
    user: master.username,
    password: master.password,
    connectionTimeoutMillis: 15_000,
    ...(ssl ? { ssl } : {}),
  });
  await client.connect();
  let rotated;
  try {
    rotated = await rotateLogin(client, config, deps);
  } finally {
    // Ending the session also releases its advisory lock.
    await client.end().catch(() => undefined);
  }

  const { rotate, password, roles } = rotated;
  const credentials = new RotatingCredentials(async () => ({ username: rotate, password }));
  const db = await openPostgres({
    target: { kind: "rds", host: config.host, port: config.port, database: config.database, credentials },
    caFile: config.caFile,
    poolMax: 1,
    logger,
  });
  try {
    const result = await migrate(db, deps.migrations ?? readMigrations());
    logger.info({ applied: result.applied, version: result.current }, "database migrated as the owner role");
    return {
      ownerCreated: roles.ownerCreated,
      loginRole: rotate,
      reassigned: roles.reassigned,
      migrationsApplied: result.applied,
    };
  } finally {
    await db.close();
  }
}
