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

export type Readiness = { readonly ready: true } | { readonly ready: false; readonly reason: string };

/**
 * A Postgres SQLSTATE (28P01: password refused, 3D000: no such database) or a socket code (ECONNREFUSED): enough to
 * tell an operator probing /readyz where to look, without the message text (host names, role names) on a public path.
 */
function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[A-Z0-9_]{2,32}$/.test(code) ? code : undefined;
}

/** Not ready when the check fails, resolves false (a migration not yet recorded) or takes longer than `ms`. */
export async function checkWithin(
  check: () => Promise<boolean>,
  ms: number,
  onError: (err: unknown) => void,
): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Readiness>((resolve) => {
    timer = setTimeout(() => {
      onError(new Error(`readiness check took longer than ${ms} ms`));
      resolve({ ready: false, reason: `database check took longer than ${ms} ms` });
    }, ms);
  });
  const checked = check().then(
    (migrated): Readiness => (migrated ? { ready: true } : { ready: false, reason: "migrations not all applied" }),
    (err: unknown): Readiness => {
      onError(err);
      const code = errorCode(err);
      return { ready: false, reason: `database check failed${code === undefined ? "" : ` (${code})`}` };
    },
  );
  try {
    return await Promise.race([checked, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * /healthz answers from the process alone (the container health check: restart only a dead process);
 * /readyz also asks the database (the load balancer's target group check: send traffic only to a task that can
 * serve it) and says why when it is not ready, for `tenantctl status tenant --probe` and the rollout's health check.
 * Neither is rate limited, so probes are never refused.
 */
export async function healthRoutes(app: FastifyInstance, opts: HealthRoutesOptions): Promise<void> {
  const noLimit = { config: { rateLimit: false } };
  const timeoutMs = opts.readinessTimeoutMs ?? READINESS_TIMEOUT_MS;
  app.get("/healthz", noLimit, async () => ({ status: "ok" }));
  app.get("/readyz", noLimit, async (request, reply) => {
    const readiness = await checkWithin(opts.isReady, timeoutMs, (err) =>
      request.log.warn({ err }, "readiness check failed"),
    );
    return readiness.ready
      ? reply.code(200).send({ status: "ready" })
      : reply.code(503).send({ status: "not_ready", reason: readiness.reason });
  });
}
