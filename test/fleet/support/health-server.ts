/**
 * A fake tenant app for every slug (`--health-url http://127.0.0.1:<port>/{slug}/readyz`), answering as the app does
 * (app/src/http/health-routes.ts): /healthz is 200 while the process runs, /readyz is 503 with a reason for the slugs in
 * `failing` (a live process whose database is not ready). Readiness requests are counted per slug.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface HealthServer {
  readonly template: string;
  readonly hits: Map<string, number>;
  /** Slugs whose /readyz answers 503 (their /healthz stays 200). */
  readonly failing: Set<string>;
  close(): Promise<void>;
}

export const NOT_READY_REASON = "database check failed (ECONNREFUSED)";

export async function startHealthServer(): Promise<HealthServer> {
  const hits = new Map<string, number>();
  const failing = new Set<string>();
  const server: Server = createServer((req, res) => {
    const [, slug = "", path = ""] = (req.url ?? "").split("/");
    const json = (code: number, body: object) =>
      res.writeHead(code, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (path === "healthz") return json(200, { status: "ok" });
    if (path !== "readyz") return json(404, { error: "not_found" });
    hits.set(slug, (hits.get(slug) ?? 0) + 1);
    return failing.has(slug)
      ? json(503, { status: "not_ready", reason: NOT_READY_REASON })
      : json(200, { status: "ready" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    template: `http://127.0.0.1:${port}/{slug}/readyz`,
    hits,
    failing,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
