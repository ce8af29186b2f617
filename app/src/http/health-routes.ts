import type { FastifyInstance } from "fastify";

/**
 * Below the target group's 5 s health-check timeout, so a database that hangs (rather than refuses) still gives the
 * load balancer a clean 503 instead of a timeout, and a probe never holds a request open for the pool's 10 s
 * connection timeout.
 */
export const READINESS_TIMEOUT_MS = 2000;

export interface HealthRoutesOptions {
  /** Resolves true when the database answers and every migration is recorded. */
  readonly isReady: () => Promise<boolean>;
  readonly readinessTimeoutMs?: number;
}

/** Resolves false when the check fails or takes longer than `ms`. */
export async function checkWithin(check: () => Promise<boolean>, ms: number, onError: (err: unknown) => void): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => {
      onError(new Error(`readiness check took longer than ${ms} ms`));
      resolve(false);
    }, ms);
  });
  const checked = check().catch((err: unknown) => {
    onError(err);
    return false;
  });
  try {
    return await Promise.race([checked, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * /healthz answers from the process alone (the container health check: restart only a dead process);
 * /readyz also asks the database (the load balancer's target group check: send traffic only to a task that can
 * serve it). Neither is rate limited, so probes are never refused.
 */
export async function healthRoutes(app: FastifyInstance, opts: HealthRoutesOptions): Promise<void> {
  const noLimit = { config: { rateLimit: false } };
  const timeoutMs = opts.readinessTimeoutMs ?? READINESS_TIMEOUT_MS;
  app.get("/healthz", noLimit, async () => ({ status: "ok" }));
  app.get("/readyz", noLimit, async (request, reply) => {
    const ready = await checkWithin(opts.isReady, timeoutMs, (err) => request.log.warn({ err }, "readiness check failed"));
    return reply.code(ready ? 200 : 503).send({ status: ready ? "ready" : "not_ready" });
  });
}
