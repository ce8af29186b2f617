import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { FastifyInstance } from "fastify";
import type { DestinationStream, Logger } from "pino";
import type { AppConfig } from "./config";
import type { Database } from "./db/database";
import { isMigrated, migrate, readMigrations } from "./db/migrate";
import { openDatabase } from "./db/open";
import { buildApp } from "./http/app";
import { createLogger } from "./logger";
import { readIdentity, RuntimeIdentity, staticIdentity, type IdentitySource } from "./identity";
import { readAdminToken } from "./secrets";

/** How soon an unassigned slot reads its identity again when a request arrives (a claim may have just routed it). */
export const UNASSIGNED_RETRY_MS = 2000;

export interface StartOptions {
  /** Injected by tests (aws-sdk-client-mock); otherwise built lazily for the configured region. */
  readonly secretsClient?: SecretsManagerClient;
  readonly logDestination?: DestinationStream;
}

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly db: Database;
  readonly logger: Logger;
  /** Base URL it listens on, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  /** Stops accepting, lets in-flight requests finish, then closes the database. */
  close(): Promise<void>;
}

/** Everything from parsed configuration to a listening server: secrets, database, migrations, HTTP. */
export async function startServer(config: AppConfig, opts: StartOptions = {}): Promise<RunningServer> {
  const logger = createLogger({
    tenantSlug: config.tenantSlug,
    level: config.logLevel,
    ...(opts.logDestination ? { destination: opts.logDestination } : {}),
  });
  let client = opts.secretsClient;
  const secrets = (): SecretsManagerClient =>
    (client ??= new SecretsManagerClient(config.awsRegion === undefined ? {} : { region: config.awsRegion }));

  const source = config.identitySecret;
  const identity: IdentitySource =
    source === undefined
      ? staticIdentity(config.tenantSlug, config.skin)
      : new RuntimeIdentity(() => readIdentity(secrets(), source.arn), {
          maxAgeMs: source.maxAgeMs,
          unassignedRetryMs: UNASSIGNED_RETRY_MS,
          onError: (err) => logger.warn({ err }, "identity read failed; serving the last one read"),
        });
  // Read once before listening: a task that cannot learn who it is must fail its start, not serve the wrong page.
  const initial = await identity.current();
  logger.info(
    { identity: initial.state, slug: initial.state === "assigned" ? initial.slug : undefined },
    "identity read",
  );
  const adminToken =
    config.adminToken.kind === "literal"
      ? config.adminToken.token
      : await readAdminToken(secrets(), config.adminToken.arn);
  const db = await openDatabase(config.database, secrets, logger);
  try {
    const migrations = readMigrations();
    const result = await migrate(db, migrations);
    logger.info({ applied: result.applied, version: result.current }, "database migrated");
    const isReady = () => isMigrated(db, migrations);
    const app = await buildApp({
      db,
      logger,
      identity,
      adminToken,
      rateLimitPerMinute: config.rateLimitPerMinute,
      isReady,
    });
    const address = await app.listen({ port: config.port, host: config.host });
    logger.info({ address }, "listening");
    return {
      app,
      db,
      logger,
      url: address,
      async close() {
        await app.close();
        await db.close();
        logger.info("stopped");
        logger.flush();
      },
    };
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}
