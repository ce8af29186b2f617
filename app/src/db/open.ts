import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { Logger } from "pino";
import type { DatabaseConfig } from "../config";
import { RotatingCredentials, readDbCredentials } from "../secrets";
import type { Database } from "./database";
import { openPglite } from "./pglite";
import { openPostgres } from "./postgres";

/** Picks the database the configuration describes; `secrets` is only touched in RDS mode. */
export async function openDatabase(
  config: DatabaseConfig,
  secrets: () => SecretsManagerClient,
  logger: Logger,
): Promise<Database> {
  switch (config.kind) {
    case "pglite":
      logger.info({ persistent: config.dataDir !== undefined }, "using embedded PostgreSQL (PGlite)");
      return openPglite(config.dataDir);
    case "url":
      logger.info({ tls: config.caFile !== undefined }, "using PostgreSQL from DATABASE_URL");
      return openPostgres({
        target: { kind: "url", url: config.url },
        caFile: config.caFile,
        poolMax: config.poolMax,
        logger,
      });
    case "rds": {
      const client = secrets();
      const credentials = new RotatingCredentials(() => readDbCredentials(client, config.secretArn));
      if (config.caFile === undefined)
        logger.warn("DB_SSL_CA_FILE is not set: the database connection is not encrypted");
      logger.info(
        { host: config.host, database: config.database, tls: config.caFile !== undefined },
        "using PostgreSQL with credentials from Secrets Manager",
      );
      return openPostgres({
        target: { kind: "rds", host: config.host, port: config.port, database: config.database, credentials },
        caFile: config.caFile,
        poolMax: config.poolMax,
        logger,
      });
    }
  }
}
