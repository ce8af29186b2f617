/** A local /healthz for every tenant (`--health-url http://127.0.0.1:<port>/{slug}/healthz`), counting requests. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface HealthServer {
  readonly template: string;
  readonly hits: Map<string, number>;
  /** Slugs answered with 503. */
  readonly failing: Set<string>;
  close(): Promise<void>;
}

export async function startHealthServer(): Promise<HealthServer> {
  const hits = new Map<string, number>();
  const failing = new Set<string>();
  const server: Server = createServer((req, res) => {
    const slug = (req.url ?? "").split("/")[1] ?? "";
    hits.set(slug, (hits.get(slug) ?? 0) + 1);
    res.writeHead(failing.has(slug) ? 503 : 200, { "content-type": "text/plain" }).end(failing.has(slug) ? "down" : "ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    template: `http://127.0.0.1:${port}/{slug}/healthz`,
    hits,
    failing,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
