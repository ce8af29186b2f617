import type { FastifyInstance } from "fastify";
import type { Skin } from "../../src/config";
import type { Database } from "../../src/db/database";
import { isMigrated, migrate, readMigrations } from "../../src/db/migrate";
import { buildApp } from "../../src/http/app";
import { staticIdentity, type IdentitySource } from "../../src/identity";
import { createLogger } from "../../src/logger";
import { freshDatabase, type Backend, type TestDatabase } from "./databases";
import { LogCapture } from "./logs";

export const ADMIN_TOKEN = "test-admin-token-0123456789";
export const AUTH = { authorization: `Bearer ${ADMIN_TOKEN}` } as const;
export const DEMO_SKIN: Skin = {
  displayName: "Matt's Beanies",
  primaryColor: "#1e7d4f",
  logoUrl: "https://example.com/logo.png",
};

export interface AppUnderTest {
  readonly app: FastifyInstance;
  readonly db: Database;
  readonly logs: LogCapture;
  close(): Promise<void>;
}

/** The HTTP app on a fresh, migrated database, driven with `inject` (no socket). */
export async function appUnderTest(
  backend: Backend,
  opts: { rateLimitPerMinute?: number; skin?: Skin; identity?: IdentitySource } = {},
): Promise<AppUnderTest> {
  const fresh: TestDatabase = await freshDatabase(backend);
  const db = await fresh.open();
  await migrate(db);
  const logs = new LogCapture();
  const logger = createLogger({ tenantSlug: "artmatt", level: "info", destination: logs });
  const app = await buildApp({
    db,
    logger,
    identity: opts.identity ?? staticIdentity("artmatt", opts.skin ?? DEMO_SKIN),
    adminToken: ADMIN_TOKEN,
    rateLimitPerMinute: opts.rateLimitPerMinute ?? 100_000,
    isReady: () => isMigrated(db, readMigrations()),
  });
  return {
    app,
    db,
    logs,
    async close() {
      await app.close();
      await db.close();
      await fresh.cleanup();
    },
  };
}
