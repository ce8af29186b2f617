import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { probeHealth } from "../../cli/orchestration/status";

describe("status --probe", () => {
  let server: Server;
  let base: string;
  let healthy = true;

  beforeAll(async () => {
    server = createServer((req, res) => {
      res.statusCode = req.url === "/healthz" && healthy ? 200 : 503;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("GETs <url>/healthz and reports healthy on 2xx", async () => {
    healthy = true;
    expect(await probeHealth(`${base}/`)).toEqual({ url: `${base}/healthz`, ok: true, status: 200, error: null });
  });

  it("reports an unhealthy status code", async () => {
    healthy = false;
    expect(await probeHealth(base)).toMatchObject({ ok: false, status: 503 });
  });

  it("reports a connection failure with its cause", async () => {
    // A port that was just free: nothing listens there.
    const spare = createServer();
    await new Promise<void>((resolve) => spare.listen(0, "127.0.0.1", resolve));
    const port = (spare.address() as AddressInfo).port;
    await new Promise<void>((resolve) => spare.close(() => resolve()));
    const result = await probeHealth(`http://127.0.0.1:${port}`);
    expect(result).toMatchObject({ ok: false, status: null });
    expect(result.error).toMatch(/ECONNREFUSED/);
  });
});
