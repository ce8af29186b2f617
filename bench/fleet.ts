/**
 * Fleet benchmarks (issue 7), against the stand-in `pulumi` with a per-resource delay:
 *  1. `upgrade tenants` of N tenants at concurrency C, one wave: wall time against the ideal ceil(N/C) × T, where T is
 *     one tenant's upgrade measured alone first; peak RSS (VmHWM) of the tenantctl process for each N.
 *  2. `list tenants` over 1,000 indexed tenants (median of 5 runs, --json and table).
 * Fixture: the shared stack and one template tenant are created for real; the N tenants are clones of the template's
 * checkpoint, stack config, index entry and simulated AWS resources with the slug replaced (provisioning 200 tenants
 * for real takes longer than the benchmark itself). Build first (npm run build), then see bench/README.md.
 * Knobs: FLEET_BENCH_SIZES=50,100,200 FLEET_BENCH_CONCURRENCY=20 FLEET_BENCH_DELAY_MS=aws FLEET_BENCH_LIST=1000
 * (FLEET_BENCH_DELAY_MS is a PULUMI_STANDIN_DELAY_MS value; `aws`, the default, is AWS_TYPICAL_DELAYS).
 */
import { execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { benchEnvironment, benchImage, REPO, sharedUpDevArgs } from "./support";

/** A Route 53 zone for the shared stack, so its certificate is validated and the HTTPS listener created. */

const SIZES = (process.env.FLEET_BENCH_SIZES ?? "50,100,200").split(",").map(Number);
const CONCURRENCY = Number(process.env.FLEET_BENCH_CONCURRENCY ?? "20");
/**
 * How long AWS takes per resource operation, for the stand-in (`<type>@<op>=<ms>`); sources and which figures are
 * estimates: bench/README.md, "AWS-typical delays".
 */
export const AWS_TYPICAL_DELAYS = [
  "2000",
  "aws:rds/instance:Instance@create=420000",
  "aws:rds/instance:Instance@replace=420000",
  "aws:rds/instance:Instance@update=5000",
  "aws:rds/instance:Instance@delete=300000",
  "aws:ecs/service:Service@create=150000",
  "aws:ecs/service:Service@update=180000",
  "aws:ecs/service:Service@delete=300000",
  "aws:ecs/taskDefinition:TaskDefinition=1000",
  "aws:lb/targetGroup:TargetGroup=2000",
  "aws:lb/listenerRule:ListenerRule=1000",
  "aws:secretsmanager/secret:Secret=1000",
  "aws:iam/role:Role=3000",
].join(",");
const DELAY_MS =
  (process.env.FLEET_BENCH_DELAY_MS ?? "aws") === "aws" ? AWS_TYPICAL_DELAYS : (process.env.FLEET_BENCH_DELAY_MS ?? "");
const LIST_SIZE = Number(process.env.FLEET_BENCH_LIST ?? "1000");
const TEMPLATE = "bnchtpl";
const image = benchImage;
const clone = (i: number): string => `b${String(i).padStart(5, "0")}`;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
  readonly peakRssMb: number;
}

/** Runs tenantctl, sampling its VmHWM (peak resident set) from /proc until it exits. */
function tenantctl(dir: string, args: readonly string[], extra: NodeJS.ProcessEnv = {}): Promise<Run> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [join(REPO, "bin", "tenantctl.js"), ...args], {
    cwd: dir,
    env: { ...benchEnvironment(dir), ...extra },
  });
  let stdout = "";
  let stderr = "";
  let peakKb = 0;
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const sample = (): void => {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
      if (hwm !== null) peakKb = Math.max(peakKb, Number(hwm[1]));
    } catch {
      // the process has exited between samples
    }
  };
  const timer = setInterval(sample, 50);
  return new Promise((resolve) => {
    child.on("exit", (code) => {
      clearInterval(timer);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      resolve({ code: code ?? 1, stdout, stderr, wallMs, peakRssMb: peakKb / 1024 });
    });
  });
}

async function must(dir: string, args: readonly string[], extra: NodeJS.ProcessEnv = {}): Promise<Run> {
  const run = await tenantctl(dir, args, extra);
  if (run.code !== 0) throw new Error(`tenantctl ${args.join(" ")} exited ${run.code}\n${run.stderr.slice(-3000)}`);
  return run;
}

const swap = (text: string, slug: string): string => text.split(TEMPLATE).join(slug);

/** test/support/standin-account.ts `cloneAccountResources`, loaded from dist/ (bench/ compiles alone, rootDir bench/). */
type CloneAccountResources = (
  backendDir: string,
  from: string,
  targets: readonly { stack: string; replace: readonly (readonly [string, string])[] }[],
) => number;

/** Copies the template tenant to `n` tenants: checkpoint, stack config, index entry, simulated AWS resources. */
async function cloneTenants(dir: string, n: number): Promise<void> {
  const state = join(dir, "state");
  const stacks = join(state, ".pulumi", "stacks", "tenantctl-tenants");
  const work = join(dir, "home", "work", "tenantctl-tenants");
  const index = join(state, ".tenantctl", "index", "tenantctl-tenants");
  const checkpoint = readFileSync(join(stacks, `dev-${TEMPLATE}.json`), "utf8");
  const config = readFileSync(join(work, `Pulumi.dev-${TEMPLATE}.yaml`), "utf8");
  const entry = readFileSync(join(index, `dev-${TEMPLATE}.json`), "utf8");
  const slugs = Array.from({ length: n }, (_, i) => clone(i + 1));
  for (const slug of slugs) {
    writeFileSync(join(stacks, `dev-${slug}.json`), swap(checkpoint, slug));
    writeFileSync(join(work, `Pulumi.dev-${slug}.yaml`), swap(config, slug));
    writeFileSync(join(index, `dev-${slug}.json`), swap(entry, slug));
  }
  // The stand-in's account is sharded per resource type; its own helper writes that layout under its locks.
  const helper = (await import(join(REPO, "dist", "test", "support", "standin-account.js"))) as {
    cloneAccountResources: CloneAccountResources;
  };
  helper.cloneAccountResources(
    state,
    `tenantctl-tenants/dev-${TEMPLATE}`,
    slugs.map((slug) => ({ stack: `tenantctl-tenants/dev-${slug}`, replace: [[TEMPLATE, slug]] })),
  );
}

interface RolloutDoc {
  readonly status: string;
  readonly tenants: {
    readonly status: string;
    readonly startedAt: string | null;
    readonly finishedAt: string | null;
  }[];
}

/** The 1-minute load average: on a shared machine the figures mean little without it. */
function load(): string {
  return (loadavg()[0] ?? 0).toFixed(1);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function upgrade(
  dir: string,
  slugs: readonly string[],
  version: number,
  concurrency: number,
): Promise<{ run: Run; doc: RolloutDoc; perTenantMs: number }> {
  const run = await must(
    dir,
    [
      "upgrade",
      "tenants",
      "--image",
      image(version),
      "--waves",
      "100%",
      "--concurrency",
      String(concurrency),
      "--health",
      "none",
      "--select",
      `slug=${slugs.join(",")}`,
      "--json",
    ],
    { PULUMI_STANDIN_DELAY_MS: DELAY_MS },
  );
  const doc = JSON.parse(run.stdout) as RolloutDoc;
  const durations = doc.tenants.map((t) => Date.parse(t.finishedAt ?? "") - Date.parse(t.startedAt ?? ""));
  return { run, doc, perTenantMs: median(durations) };
}

async function benchList(): Promise<{ jsonMs: number; tableMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), "tenantctl-bench-list-"));
  const index = join(dir, "state", ".tenantctl", "index", "tenantctl-tenants");
  mkdirSync(index, { recursive: true });
  for (let i = 1; i <= LIST_SIZE; i += 1) {
    const slug = clone(i);
    const spec = {
      slug,
      displayName: slug,
      env: "dev",
      tier: "basic",
      skin: { primaryColor: "#1a73e8" },
      image: image(1),
      listenerPriority: 100 + i,
      loadBalancer: "alb-0",
      generation: 1,
    };
    const at = new Date(Date.UTC(2026, 10, 1, 0, 0, i)).toISOString();
    writeFileSync(
      join(index, `dev-${slug}.json`),
      JSON.stringify(
        {
          slug,
          env: "dev",
          project: "tenantctl-tenants",
          stack: `dev-${slug}`,
          tier: "basic",
          displayName: slug,
          image: image(1),
          url: `https://${slug}.dev.example.com`,
          listenerPriority: 100 + i,
          lastOperation: "provision",
          status: "succeeded",
          resourceCount: 22,
          createdAt: at,
          updatedAt: at,
          spec,
        },
        null,
        2,
      ),
    );
  }
  const times = async (args: string[]): Promise<number> => {
    const runs: number[] = [];
    for (let i = 0; i < 5; i += 1) runs.push((await must(dir, args)).wallMs);
    return median(runs);
  };
  const jsonMs = await times(["list", "tenants", "--json"]);
  const listed = JSON.parse((await must(dir, ["list", "tenants", "--json"])).stdout) as { tenants: unknown[] };
  if (listed.tenants.length !== LIST_SIZE)
    throw new Error(`list returned ${listed.tenants.length} tenants, expected ${LIST_SIZE}`);
  return { jsonMs, tableMs: await times(["list", "tenants"]) };
}

async function main(): Promise<void> {
  const cpus = await new Promise<string>((resolve) => execFile("nproc", (_e, out) => resolve(out.trim())));
  process.stdout.write(
    `fleet bench: sizes ${SIZES.join(",")}, concurrency ${CONCURRENCY}, stand-in delay ${DELAY_MS} ms/resource, ${cpus} CPU(s)\n`,
  );
  const list = await benchList();
  process.stdout.write(
    `list tenants (${LIST_SIZE} tenants): --json median ${(list.jsonMs / 1000).toFixed(2)} s, table median ${(list.tableMs / 1000).toFixed(2)} s (goal ≤ 2 s; load ${load()})\n`,
  );
  const dir = mkdtempSync(join(tmpdir(), "tenantctl-bench-fleet-"));
  // tenantctl refuses a file backend whose folder is missing, as pulumi does.
  mkdirSync(join(dir, "state"), { recursive: true });
  await must(dir, sharedUpDevArgs(image(1)));
  await must(dir, ["provision", "tenant", TEMPLATE, "--image", image(1), "--yes"]);
  const max = Math.max(...SIZES);
  await cloneTenants(dir, max);
  const all = Array.from({ length: max }, (_, i) => clone(i + 1));
  const alone = await upgrade(dir, [all[0] ?? clone(1)], 2, 1);
  const t = alone.perTenantMs;
  process.stdout.write(
    `one tenant alone: ${(t / 1000).toFixed(1)} s per tenant (wall ${(alone.run.wallMs / 1000).toFixed(1)} s, peak RSS ${alone.run.peakRssMb.toFixed(0)} MB, load ${load()})\n`,
  );
  // wall/ideal is the goal's figure; wall/rounds compares with the median tenant time of the same run, i.e. how well the
  // lanes are kept busy when the CPU, not the orchestration, stretches each tenant.
  process.stdout.write(
    "N\tC\twall s\tideal s\twall/ideal\tmedian tenant s\twall/rounds\tupgraded\tpeak RSS MB\tload avg\n",
  );
  let version = 3;
  for (const n of SIZES) {
    const { run, doc, perTenantMs } = await upgrade(dir, all.slice(0, n), version, CONCURRENCY);
    version += 1;
    const ideal = Math.ceil(n / CONCURRENCY) * t;
    const upgraded = doc.tenants.filter((x) => x.status === "upgraded").length;
    process.stdout.write(
      `${n}\t${CONCURRENCY}\t${(run.wallMs / 1000).toFixed(1)}\t${(ideal / 1000).toFixed(1)}\t${(run.wallMs / ideal).toFixed(2)}\t${(perTenantMs / 1000).toFixed(1)}\t${(run.wallMs / (Math.ceil(n / CONCURRENCY) * perTenantMs)).toFixed(2)}\t${upgraded}/${n}\t${run.peakRssMb.toFixed(0)}\t${load()}\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
