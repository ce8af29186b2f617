import { randomUUID } from "node:crypto";
import formbody from "@fastify/formbody";
import rateLimit from "@fastify/rate-limit";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { IdentitySource } from "../identity";
import { ItemRepository } from "../items/repository";
import type { Database } from "../db/database";
import { AccessLog } from "./access-log";
import { registerErrorHandlers } from "./errors";
import { healthRoutes } from "./health-routes";
import { itemsRoutes } from "./items-routes";
import { pageRoutes } from "./page-routes";

export interface AppDeps {
  readonly db: Database;
  readonly logger: Logger;
  /** Who this task serves: fixed, or read at run time for a pool-born tenant (src/identity.ts). */
  readonly identity: IdentitySource;
  readonly adminToken: string;
  readonly rateLimitPerMinute: number;
  readonly isReady: () => Promise<boolean>;
}

/** Large enough for a full item with 2,000 characters of notes; anything bigger is refused before parsing. */
export const BODY_LIMIT_BYTES = 16 * 1024;

const PROBES = new Set(["/healthz", "/readyz"]);

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Wires the HTTP surface; no listening, no process concerns, so tests can `inject` into it. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // Typed as fastify's logger interface so plugins keep the default instance type; it is the same pino logger.
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    // Behind the ALB, the client address is the last hop it appended to X-Forwarded-For.
    trustProxy: (_address: string, hop: number) => hop < 1,
    // Keep the caller's (or the ALB's) request id when it is sane, so one id follows the request across logs.
    requestIdHeader: "x-request-id",
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    },
    logController: new AccessLog(),
    return503OnClosing: true,
  });
  app.addHook("onRequest", async (request, reply) => {
    void reply.header("x-request-id", request.id);
  });
  registerErrorHandlers(app);
  // An unassigned warm-pool slot answers its health checks and nothing else: it has no customer to serve yet.
  app.addHook("onRequest", async (request, reply) => {
    if (PROBES.has(request.url.split("?")[0] ?? "")) return;
    const identity = await deps.identity.current();
    if (identity.state === "unassigned") {
      await reply.code(404).send({ error: "not_assigned", message: "this slot is not assigned to a tenant yet" });
    }
  });
  await app.register(rateLimit, {
    max: deps.rateLimitPerMinute,
    timeWindow: "1 minute",
    keyGenerator: (request) => request.ip,
  });
  await app.register(formbody, { bodyLimit: BODY_LIMIT_BYTES });
  const items = new ItemRepository(deps.db);
  await app.register(healthRoutes, { isReady: deps.isReady });
  await app.register(itemsRoutes, { items, adminToken: deps.adminToken });
  await app.register(pageRoutes, { items, adminToken: deps.adminToken, identity: deps.identity });
  return app;
}
