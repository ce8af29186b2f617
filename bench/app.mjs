#!/usr/bin/env node
// Load test of the tenant app's list endpoint: the app on the real PostgreSQL server with 10,000 items, autocannon
// in a second process on loopback, the app's RSS sampled from /proc while it runs.
// Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bench/app.mjs [--duration 20] [--connections 50]
// Goal on a 2-core machine: >= 3,000 req/s, p99 <= 50 ms, 0 errors, RSS <= 150 MB.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const appDir = join(dirname(fileURLToPath(import.meta.url)), "..", "app");
const appRequire = createRequire(join(appDir, "package.json"));
const pg = appRequire("pg");

const { values: opts } = parseArgs({
  options: {
    duration: { type: "string", default: "20" },
    connections: { type: "string", default: "50" },
    items: { type: "string", default: "10000" },
    path: { type: "string", default: "/api/items?limit=20" },
  },
});
const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  console.error(
    "bench/app.mjs needs DATABASE_URL (the real PostgreSQL server), e.g. postgres://postgres@127.0.0.1:5432/test",
  );
  process.exit(2);
}

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const rssMb = (pid) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
};

// utime + stime of a process in milliseconds (clock ticks are 100 Hz on Linux).
const cpuMs = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
};

async function waitForReady(url, child) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("app did not become ready within 60 s");
}

const schema = `bench_${randomBytes(4).toString("hex")}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`CREATE SCHEMA ${schema}`);
let app;
try {
  execFileSync("npm", ["run", "--silent", "build"], { cwd: appDir, stdio: "inherit" });
  const port = await freePort();
  const url = new URL(serverUrl);
  url.searchParams.set("options", `-c search_path=${schema}`);
  app = spawn(process.execPath, ["dist/main.js"], {
    cwd: appDir,
    // Production settings except the per-client limit, which one load generator on one address would hit at once.
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: url.toString(),
      PORT: String(port),
      HOST: "127.0.0.1",
      TENANT_SLUG: "bench",
      TENANT_DISPLAY_NAME: "Bench",
      ADMIN_TOKEN: "bench-admin-token-0123456789",
      RATE_LIMIT_PER_MINUTE: "1000000",
      NODE_ENV: "production",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  await waitForReady(base, app);

  const items = Number(opts.items);
  await admin.query(
    `INSERT INTO ${schema}.items (name, style_number, birthday, tag_generation, condition, acquired_on, price_paid_cents, notes)
     SELECT 'Beanie ' || g, (4000 + g % 500)::text, date '1995-01-01' + (g % 1500), 1 + g % 12,
            (ARRAY['mint','near_mint','excellent','good','fair','poor'])[1 + g % 6], date '1997-01-01' + (g % 3000), (g * 37) % 50000,
            'Seeded for the benchmark, item ' || g
       FROM generate_series(1, $1) AS g`,
    [items],
  );
  await admin.query(`VACUUM ANALYZE ${schema}.items`);
  const check = await fetch(`${base}${opts.path}`);
  if (check.headers.get("x-total-count") !== String(items))
    throw new Error(`expected x-total-count ${items}, got ${check.headers.get("x-total-count")}`);

  const autocannon = appRequire.resolve("autocannon/autocannon.js");
  const run = (seconds) =>
    new Promise((resolve, reject) => {
      let out = "";
      const lg = spawn(
        process.execPath,
        [autocannon, "-c", opts.connections, "-d", String(seconds), "-j", `${base}${opts.path}`],
        { stdio: ["ignore", "pipe", "ignore"] },
      );
      lg.stdout.on("data", (d) => (out += d));
      lg.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`autocannon exited ${code}`))));
    });

  await run(3); // warm-up: JIT, pool connections, PostgreSQL caches
  let peakRss = rssMb(app.pid);
  const cpuBefore = cpuMs(app.pid);
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(app.pid))), 250);
  const result = await run(Number(opts.duration));
  clearInterval(sampler);
  const appCpuMs = cpuMs(app.pid) - cpuBefore;

  const summary = {
    endpoint: opts.path,
    items,
    connections: Number(opts.connections),
    durationSeconds: Number(opts.duration),
    requestsPerSecond: Math.round(result.requests.average),
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    requests: result.requests.total,
    errors: result.errors + result.timeouts + result.non2xx,
    peakRssMb: Math.round(peakRss),
    // Independent of how busy the machine is: the app's own CPU per request (PostgreSQL and the load generator extra).
    appCpuMsPerRequest: Math.round((appCpuMs / result.requests.total) * 1000) / 1000,
    loadAverageAfter: readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" "),
    goal: { requestsPerSecond: 3000, p99Ms: 50, errors: 0, rssMb: 150 },
  };
  summary.met =
    summary.requestsPerSecond >= 3000 &&
    summary.latencyMs.p99 <= 50 &&
    summary.errors === 0 &&
    summary.peakRssMb <= 150;
  console.log(JSON.stringify(summary, null, 2));
} finally {
  app?.kill("SIGTERM");
  await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  await admin.end();
}
