import Fastify from "fastify";
import { healthRoutes, READINESS_TIMEOUT_MS } from "../src/http/health-routes";

// The target group's health check is /readyz with a 5 s timeout (infra/tenant/routing.ts): readiness must answer
// within that, ready or not, even when the database hangs instead of refusing.
describe("/readyz, the load balancer's check", () => {
  const appWith = async (isReady: () => Promise<boolean>, readinessTimeoutMs?: number) => {
    const app = Fastify();
    await app.register(healthRoutes, { isReady, ...(readinessTimeoutMs === undefined ? {} : { readinessTimeoutMs }) });
    return app;
  };

  it("stays below the target group's 5 s timeout", () => {
    expect(READINESS_TIMEOUT_MS).toBeLessThan(5000);
  });

  it("is 200 when the database check passes and 503 when it fails", async () => {
    const up = await appWith(async () => true);
    expect((await up.inject({ url: "/readyz" })).statusCode).toBe(200);
    const down = await appWith(async () => {
      throw Object.assign(new Error("connect ECONNREFUSED 10.0.1.5:5432"), { code: "ECONNREFUSED" });
    });
    const res = await down.inject({ url: "/readyz" });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: "not_ready", reason: "database check failed (ECONNREFUSED)" });
    await Promise.all([up.close(), down.close()]);
  });

  it("says a migration is missing, and leaves an error's text (hosts, role names) out of the public reason", async () => {
    const pending = await appWith(async () => false);
    expect((await pending.inject({ url: "/readyz" })).json()).toEqual({
      status: "not_ready",
      reason: "migrations not all applied",
    });
    const refused = await appWith(async () => {
      throw Object.assign(new Error('password authentication failed for user "acme_app_a"'), { code: "28P01" });
    });
    const res = await refused.inject({ url: "/readyz" });
    expect(res.json()).toEqual({ status: "not_ready", reason: "database check failed (28P01)" });
    expect(res.body).not.toMatch(/acme_app_a/);
    await Promise.all([pending.close(), refused.close()]);
  });

  it("is 503 when the database check hangs past the readiness limit", async () => {
    const hung = await appWith(() => new Promise<boolean>(() => undefined), 50);
    const res = await hung.inject({ url: "/readyz" });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: "not_ready", reason: "database check took longer than 50 ms" });
    await hung.close();
  });
});
