import type { FastifyInstance } from "fastify";

export interface HealthRoutesOptions {
  /** Resolves true when the database answers and every migration is recorded. */
  readonly isReady: () => Promise<boolean>;
}

/**
 * /healthz answers from the process alone (the container health check: restart only a dead process);
 * /readyz also asks the database (the load balancer: send traffic only to a task that can serve it).
 * Neither is rate limited, so probes are never refused.
 */
export async function healthRoutes(app: FastifyInstance, opts: HealthRoutesOptions): Promise<void> {
  const noLimit = { config: { rateLimit: false } };
  app.get("/healthz", noLimit, async () => ({ status: "ok" }));
  app.get("/readyz", noLimit, async (request, reply) => {
    const ready = await opts.isReady().catch((err: unknown) => {
      request.log.warn({ err }, "readiness check failed");
      return false;
    });
    return reply.code(ready ? 200 : 503).send({ status: ready ? "ready" : "not_ready" });
  });
}
