import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { probeHealth } from "../../cli/orchestration/status";
import { describeProbe, notReadyReason, READINESS_PATH } from "../../cli/readiness";
import { HEALTH_CHECK_PATH } from "../../infra/tenant/routing";

// A fake tenant answering as the app does (app/src/http/health-routes.ts): /healthz from the process alone,
// /readyz 503 with a reason while its database is not ready.
describe("status --probe", () => {
  let server: Server;
  let base: string;
  let ready = true;
  let notReadyBody = JSON.stringify({ status: "not_ready", reason: "migrations not all applied" });
  const requested: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      requested.push(req.url ?? "");
      if (req.url === "/healthz")
        return res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
      if (req.url === "/readyz")
        return ready ? res.writeHead(200).end('{"status":"ready"}') : res.writeHead(503).end(notReadyBody);
      return res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("probes the path the load balancer's target group checks", () => {
    expect(READINESS_PATH).toBe(HEALTH_CHECK_PATH);
  });

  it("GETs <url>/readyz and reports healthy on 2xx", async () => {
    ready = true;
    expect(await probeHealth(`${base}/`)).toEqual({
      url: `${base}/readyz`,
      ok: true,
      status: 200,
      reason: null,
      error: null,
    });
  });

  it("reports a tenant whose process is live (/healthz 200) but not ready (/readyz 503) as unhealthy, with the app's reason", async () => {
    ready = false;
    requested.length = 0;
    const result = await probeHealth(base);
    expect(result).toEqual({
      url: `${base}/readyz`,
      ok: false,
      status: 503,
      reason: "migrations not all applied",
      error: null,
    });
    expect(requested).toEqual(["/readyz"]);
    expect(describeProbe(result)).toBe("503 (migrations not all applied)");
  });

  it("falls back to the body's start when the answer is not the app's JSON (a proxy's error page)", async () => {
    ready = false;
    notReadyBody = "<html>\n  <body>503 Service Temporarily Unavailable</body>\n</html>";
    expect(await probeHealth(base)).toMatchObject({
      ok: false,
      status: 503,
      reason: "<html> <body>503 Service Temporarily Unavailable</body> </html>",
    });
  });

  it("reports a connection failure with its cause", async () => {
    // A port that was just free: nothing listens there.
    const spare = createServer();
    await new Promise<void>((resolve) => spare.listen(0, "127.0.0.1", resolve));
    const port = (spare.address() as AddressInfo).port;
    await new Promise<void>((resolve) => spare.close(() => resolve()));
    const result = await probeHealth(`http://127.0.0.1:${port}`);
    expect(result).toMatchObject({ ok: false, status: null, reason: null });
    expect(result.error).toMatch(/ECONNREFUSED/);
    expect(describeProbe(result)).toMatch(/ECONNREFUSED/);
  });
});

describe("notReadyReason", () => {
  it.each([
    ['{"status":"not_ready","reason":"database check failed (28P01)"}', "database check failed (28P01)"],
    ['{"status":"not_ready"}', "not_ready"],
    ["", null],
    ["x".repeat(500), "x".repeat(200)],
  ])("%s → %s", (body, reason) => {
    expect(notReadyReason(body)).toBe(reason);
  });
});
