import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { connect } from "node:net";
import { dirname, join } from "node:path";
import { builtImage, type RuntimeImage } from "./support/image";
import { AppProcess, freePort } from "./support/process";

const TOKEN = "container-admin-token-0123";

/** Every path and mtime under the image folder, to prove the running app writes nothing there. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const s = statSync(p);
      out.push(`${p}:${s.size}:${s.mtimeMs}`);
      if (s.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

describe("the container's runtime stage, reproduced from app/Dockerfile", () => {
  let image: RuntimeImage;
  let port: number;
  let app: AppProcess | undefined;
  // npm ci and a cold PGlite start are slow on a busy 2-core machine; these limits only stop a hung run.
  beforeAll(() => {
    image = builtImage();
  }, 600_000);
  afterEach(() => app?.stop());
  afterAll(() => rmSync(dirname(image.dir), { recursive: true, force: true }));

  const start = async (logLevel = "info") => {
    port = await freePort();
    const env = {
      PATH: process.env["PATH"],
      ...image.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      TENANT_SLUG: "boxed",
      TENANT_DISPLAY_NAME: "Boxed",
      ADMIN_TOKEN: TOKEN,
      LOG_LEVEL: logLevel,
    };
    app = AppProcess.start(image.cmd, image.dir, env);
    await app.waitForLine('"msg":"listening"');
    return app;
  };

  it("holds production dependencies, compiled code and migrations only, and runs as a non-root user", () => {
    expect(image.cmd[0]).toBe("node");
    expect(image.user).toBe("node");
    expect(image.exposed).toEqual([8080]);
    expect(image.env["NODE_ENV"]).toBe("production");
    expect(existsSync(join(image.dir, image.cmd[1] ?? ""))).toBe(true);
    expect(existsSync(join(image.dir, "migrations", "0001_create_items.sql"))).toBe(true);
    expect(existsSync(join(image.dir, "node_modules", "fastify"))).toBe(true);
    for (const devOnly of ["typescript", "playwright-core", "autocannon", "aws-sdk-client-mock", "@types"]) {
      expect(existsSync(join(image.dir, "node_modules", devOnly))).toBe(false);
    }
    expect(existsSync(join(image.dir, "src"))).toBe(false);
    expect(existsSync(join(image.dir, "test"))).toBe(false);
    expect(image.skipped).toEqual([]);
    // The path the tenant task definitions give as DB_SSL_CA_FILE (WORKDIR /app).
    expect(existsSync(join(image.dir, "certs", "rds-global-bundle.pem"))).toBe(true);
    expect(existsSync(join(image.dir, "dist", "bootstrap.js"))).toBe(true);
  });

  it("starts exactly as CMD does, serves /healthz and writes nothing into the image", async () => {
    const before = snapshot(image.dir);
    await start();
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const created = await fetch(`http://127.0.0.1:${port}/api/items`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "Boxed Bear" }),
    });
    expect(created.status).toBe(201);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    expect(snapshot(image.dir)).toEqual(before);
  });

  it("fails fast at start, naming the missing configuration key", async () => {
    const failing = AppProcess.start(image.cmd, image.dir, {
      PATH: process.env["PATH"],
      ...image.env,
      TENANT_SLUG: "boxed",
      ADMIN_TOKEN: TOKEN,
    });
    expect(await failing.exited).toBe(78);
    expect(failing.lines.join("\n")).toContain("TENANT_DISPLAY_NAME: is required");
  });

  it("on SIGTERM stops accepting, finishes the in-flight request, then exits 0", async () => {
    const running = await start("debug");
    const body = JSON.stringify({ name: "Slow Poke", notes: "sent in two halves" });
    const socket = connect(port, "127.0.0.1");
    await new Promise<void>((resolve) => socket.once("connect", resolve));
    let response = "";
    socket.on("data", (d: Buffer) => (response += d.toString("utf8")));
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    // Headers and half the body: the request is in flight when the signal arrives.
    socket.write(
      `POST /api/items HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`,
    );
    await running.waitForLine('"msg":"request received"');
    running.child.kill("SIGTERM");
    await running.waitForLine("shutting down");
    // The listener closes shortly after the log line; poll until new connections are refused.
    const probe = () =>
      new Promise<boolean>((resolve) => {
        const c = connect(port, "127.0.0.1");
        c.on("connect", () => {
          c.destroy();
          resolve(false);
        });
        c.on("error", () => resolve(true));
      });
    let refused = false;
    for (let i = 0; i < 200 && !refused; i++) {
      refused = await probe();
      if (!refused) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(refused).toBe(true);
    expect(running.child.exitCode).toBeNull();
    socket.end(body.slice(10));
    await closed;
    expect(response).toMatch(/^HTTP\/1\.1 201 /);
    expect(response).toContain('"name":"Slow Poke"');
    expect(await running.exited).toBe(0);
    expect(running.lines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
  });
});
