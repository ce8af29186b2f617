/**
 * CLI startup benchmark (issue 5): `tenantctl --help` and `tenantctl list tenants` (table and --json) over a backend
 * seeded with N tenant index records, against bare `node -e 0`. Medians (and p90) of repeated runs, each a fresh
 * process. The index records are written directly in the layout cli/store/tenant-index.ts reads
 * (`<backend>/.tenantctl/index/tenantctl-tenants/<stack>.json`); no pulumi CLI is involved.
 * Build first (npm run build), then: npx tsc -p bench/cli.tsconfig.json && node dist/bench-cli/cli.js
 * Knobs: CLI_BENCH_RUNS=20 CLI_BENCH_TENANTS=200.
 *
 * Also: what loading the Pulumi Automation API costs a command that runs the engine, through tenantctl's door
 * (cli/orchestration/pulumi-sdk.ts, which defers typescript and @npmcli/arborist) and directly, as CPU ms (user+sys
 * of the child, which does not depend on how busy the machine is) and modules loaded.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const REPO = join(__dirname, "..", "..");
const BIN = join(REPO, "bin", "tenantctl.js");
const RUNS = Number(process.env.CLI_BENCH_RUNS ?? "20");
const TENANTS = Number(process.env.CLI_BENCH_TENANTS ?? "200");
const TIERS = ["basic", "standard", "premium"];

function seed(backend: string, count: number): void {
  const dir = join(backend, ".tenantctl", "index", "tenantctl-tenants");
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i += 1) {
    const slug = `tenant${String(i).padStart(4, "0")}`;
    const at = new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString();
    const spec = {
      slug,
      displayName: `Tenant ${i}`,
      env: "dev",
      tier: TIERS[i % 3],
      skin: { primaryColor: "#1a73e8" },
      image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/tenantctl-app:1.0.0",
      listenerPriority: 100 + i,
      loadBalancer: "alb-0",
      generation: 1,
    };
    const entry = {
      slug,
      env: "dev",
      project: "tenantctl-tenants",
      stack: `dev-${slug}`,
      tier: spec.tier,
      displayName: spec.displayName,
      image: spec.image,
      url: `https://${slug}.dev.tenants.example.com`,
      listenerPriority: spec.listenerPriority,
      lastOperation: "provision",
      status: "succeeded",
      message: undefined,
      resourceCount: 22,
      createdAt: at,
      updatedAt: at,
      spec,
    };
    writeFileSync(join(dir, `dev-${slug}.json`), `${JSON.stringify(entry, null, 2)}\n`);
  }
}

function timeOnce(args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): number {
  const start = process.hrtime.bigint();
  const res = spawnSync(process.execPath, args, { env, cwd, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (res.status !== 0) throw new Error(`${args.join(" ")} exited ${res.status}: ${res.stderr}`);
  return ms;
}

function stats(samples: number[]): { median: number; p90: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { median: at(0.5), p90: at(0.9) };
}

function main(): void {
  const cwd = mkdtempSync(join(tmpdir(), "tenantctl-bench-cli-"));
  const backend = join(cwd, "backend");
  seed(backend, TENANTS);
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, PULUMI_BACKEND_URL: `file://${backend}` };
  const cases: [string, string[]][] = [
    ["node -e 0", ["-e", "0"]],
    ["tenantctl --help", [BIN, "--help"]],
    [`tenantctl list tenants (${TENANTS})`, [BIN, "list", "tenants"]],
    [`tenantctl list tenants --json (${TENANTS})`, [BIN, "list", "tenants", "--json"]],
  ];
  // Warm the file cache once per case, then interleave the runs so background load hits every case alike.
  for (const [, args] of cases) timeOnce(args, env, cwd);
  const samples = cases.map(() => [] as number[]);
  for (let r = 0; r < RUNS; r += 1) cases.forEach(([, args], i) => samples[i]?.push(timeOnce(args, env, cwd)));
  const base = stats(samples[0] ?? []).median;
  console.log(`node ${process.version}, ${RUNS} runs each, ${TENANTS} seeded tenants\n`);
  console.log("| command | median ms | p90 ms | × node -e 0 |");
  console.log("|---|---:|---:|---:|");
  cases.forEach(([name], i) => {
    const s = stats(samples[i] ?? []);
    console.log(`| ${name} | ${s.median.toFixed(1)} | ${s.p90.toFixed(1)} | ${(s.median / base).toFixed(2)} |`);
  });
}

/** CPU ms (user+sys) and modules a fresh node process spends on `load` (a script that settles a promise). */
function sdkLoadOnce(load: string, cwd: string): { cpuMs: number; modules: number } {
  const script =
    `Promise.resolve(${load}).then(() => { const c = process.cpuUsage(); ` +
    `console.log(JSON.stringify({ cpuMs: (c.user + c.system) / 1000, modules: Object.keys(require.cache).length })); })`;
  const res = spawnSync(process.execPath, ["-e", script], { cwd, encoding: "utf8" });
  if (res.status !== 0) throw new Error(`SDK load exited ${res.status}: ${res.stderr}`);
  return JSON.parse(res.stdout) as { cpuMs: number; modules: number };
}

function sdkLoad(): void {
  const door = JSON.stringify(join(REPO, "dist", "cli", "orchestration", "pulumi-sdk.js"));
  const cases: [string, string][] = [
    ["node -e 0", "0"],
    ["Automation API through the door (pulumi-sdk.ts)", `require(${door}).automationSdk()`],
    ["Automation API directly (no deferral)", `require("@pulumi/pulumi/automation")`],
  ];
  const samples = cases.map(() => [] as number[]);
  const modules = cases.map(() => 0);
  for (let r = 0; r < RUNS; r += 1) {
    cases.forEach(([, load], i) => {
      const once = sdkLoadOnce(load, REPO);
      samples[i]?.push(once.cpuMs);
      modules[i] = once.modules;
    });
  }
  console.log(`\nLoading the Pulumi SDK: CPU ms (user+sys) of a fresh process, ${RUNS} runs each\n`);
  console.log("| what | median CPU ms | p90 CPU ms | modules |");
  console.log("|---|---:|---:|---:|");
  cases.forEach(([name], i) => {
    const s = stats(samples[i] ?? []);
    console.log(`| ${name} | ${s.median.toFixed(0)} | ${s.p90.toFixed(0)} | ${modules[i] ?? 0} |`);
  });
}

main();
sdkLoad();
