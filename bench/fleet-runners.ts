/**
 * Distributed rollout benchmark (issue 16): N tenants upgraded by R runner processes (`upgrade tenants --join`, C
 * tenants at once each) sharing one rollout created with `--detach`, against the stand-in `pulumi` with AWS-like
 * delays. For each R: wall time from the first runner's start to the last one's exit against the ideal
 * ceil(N / (R × C)) × T (T: one tenant upgraded alone, measured first), and the CPU-seconds per tenant of the runner
 * process trees (runner, its workers and their engines; from /usr/bin/time, which counts every waited-for
 * descendant). Fixture as in bench/fleet.ts: the shared stack and one template tenant for real, then N clones.
 * Build first (npm run build && npx tsc -p bench/fleet-runners.tsconfig.json), then see bench/README.md.
 * Knobs: FLEET_RUNNERS_N=200 FLEET_RUNNERS_COUNTS=1,2,4 FLEET_RUNNERS_CONCURRENCY=10 FLEET_RUNNERS_DELAY_MS=<profile>
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { benchEnvironment, benchImage, REPO, sharedUpDevArgs } from "./support";

const N = Number(process.env.FLEET_RUNNERS_N ?? "200");
const COUNTS = (process.env.FLEET_RUNNERS_COUNTS ?? "1,2,4").split(",").map(Number);
const CONCURRENCY = Number(process.env.FLEET_RUNNERS_CONCURRENCY ?? "10");
/**
 * AWS-like, scaled so that three runner counts fit in well under an hour: 1 s per API call and 20 s for the ECS
 * service update (a real one is minutes: bench/README.md, "AWS-typical delays"). What matters for wall/ideal is that
 * each tenant mostly waits, as on AWS.
 */
const DELAY_MS = process.env.FLEET_RUNNERS_DELAY_MS ?? "1000,aws:ecs/service:Service@update=20000";
const TEMPLATE = "bnchtpl";
const image = benchImage;
const clone = (i: number): string => `b${String(i).padStart(5, "0")}`;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
  /** user + system CPU seconds of the process and its waited-for descendants. */
  readonly cpuS: number;
}

let timings = 0;
function tenantctl(dir: string, args: readonly string[], extra: NodeJS.ProcessEnv = {}): Promise<Run> {
  timings += 1;
  const out = join(dir, `time-${timings}.txt`);
  const started = process.hrtime.bigint();
  const child = spawn(
    "/usr/bin/time",
    ["-f", "%U %S", "-o", out, process.execPath, join(REPO, "bin", "tenantctl.js"), ...args],
    { cwd: dir, env: { ...benchEnvironment(dir), ...extra } },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => {
    child.on("exit", (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const [user, sys] = readFileSync(out, "utf8").trim().split("\n").pop()?.split(" ").map(Number) ?? [NaN, NaN];
      resolve({ code: code ?? 1, stdout, stderr, wallMs, cpuS: (user ?? NaN) + (sys ?? NaN) });
    });
  });
}

async function must(dir: string, args: readonly string[], extra: NodeJS.ProcessEnv = {}): Promise<Run> {
  const run = await tenantctl(dir, args, extra);
  if (run.code !== 0) throw new Error(`tenantctl ${args.join(" ")} exited ${run.code}\n${run.stderr.slice(-3000)}`);
  return run;
}

type CloneAccountResources = (
  backendDir: string,
  from: string,
  targets: readonly { stack: string; replace: readonly (readonly [string, string])[] }[],
) => number;

async function cloneTenants(dir: string, n: number): Promise<void> {
  const state = join(dir, "state");
  const swap = (text: string, slug: string): string => text.split(TEMPLATE).join(slug);
  const files = [
    [join(state, ".pulumi", "stacks", "tenantctl-tenants"), (s: string) => `dev-${s}.json`],
    [join(dir, "home", "work", "tenantctl-tenants"), (s: string) => `Pulumi.dev-${s}.yaml`],
    [join(state, ".tenantctl", "index", "tenantctl-tenants"), (s: string) => `dev-${s}.json`],
  ] as const;
  const slugs = Array.from({ length: n }, (_, i) => clone(i + 1));
  for (const [folder, name] of files) {
    const text = readFileSync(join(folder, name(TEMPLATE)), "utf8");
    for (const slug of slugs) writeFileSync(join(folder, name(slug)), swap(text, slug));
  }
  const helper = (await import(join(REPO, "dist", "test", "support", "standin-account.js"))) as {
    cloneAccountResources: CloneAccountResources;
  };
  helper.cloneAccountResources(
    state,
    `tenantctl-tenants/dev-${TEMPLATE}`,
    slugs.map((slug) => ({ stack: `tenantctl-tenants/dev-${slug}`, replace: [[TEMPLATE, slug]] })),
  );
}

interface Doc {
  readonly rolloutId: string;
}
interface JoinDoc {
  readonly status: string;
  readonly counts: { readonly upgraded: number };
  readonly runner: { readonly finished: number };
  readonly tenants: { readonly startedAt: string | null; readonly finishedAt: string | null }[];
}

const load = (): string => (loadavg()[0] ?? 0).toFixed(1);

async function rollout(
  dir: string,
  slugs: readonly string[],
  version: number,
  runners: number,
  concurrency: number,
): Promise<{ wallMs: number; cpuS: number; upgraded: number; perRunner: number[]; medianTenantMs: number }> {
  const created = JSON.parse(
    (
      await must(dir, [
        "upgrade",
        "tenants",
        "--image",
        image(version),
        "--waves",
        "100%",
        "--health",
        "none",
        "--select",
        `slug=${slugs.join(",")}`,
        "--detach",
        "--json",
      ])
    ).stdout,
  ) as Doc;
  const started = process.hrtime.bigint();
  const runs = await Promise.all(
    Array.from({ length: runners }, () =>
      must(
        dir,
        [
          "upgrade",
          "tenants",
          "--join",
          created.rolloutId,
          "--concurrency",
          String(concurrency),
          "--lease",
          "60s",
          "--json",
        ],
        { PULUMI_STANDIN_DELAY_MS: DELAY_MS },
      ),
    ),
  );
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const docs = runs.map((r) => JSON.parse(r.stdout) as JoinDoc);
  const last = docs[docs.length - 1];
  const durations = (last?.tenants ?? [])
    .map((t) => Date.parse(t.finishedAt ?? "") - Date.parse(t.startedAt ?? ""))
    .filter((d) => !Number.isNaN(d))
    .sort((a, b) => a - b);
  return {
    wallMs,
    cpuS: runs.reduce((s, r) => s + r.cpuS, 0),
    upgraded: last?.counts.upgraded ?? 0,
    perRunner: docs.map((d) => d.runner.finished),
    medianTenantMs: durations[Math.floor(durations.length / 2)] ?? NaN,
  };
}

async function main(): Promise<void> {
  process.stdout.write(
    `fleet runners bench: ${N} tenants, runners ${COUNTS.join(",")}, ${CONCURRENCY} per runner, stand-in delay ${DELAY_MS}, load ${load()}\n`,
  );
  const dir = mkdtempSync(join(tmpdir(), "tenantctl-bench-runners-"));
  mkdirSync(join(dir, "state"));
  await must(dir, sharedUpDevArgs(image(1)));
  await must(dir, ["provision", "tenant", TEMPLATE, "--image", image(1), "--yes"]);
  await cloneTenants(dir, N);
  const all = Array.from({ length: N }, (_, i) => clone(i + 1));
  const alone = await rollout(dir, [all[0] ?? clone(1)], 2, 1, 1);
  const t = alone.medianTenantMs;
  process.stdout.write(
    `one tenant alone: ${(t / 1000).toFixed(1)} s (runner wall ${(alone.wallMs / 1000).toFixed(1)} s, ${alone.cpuS.toFixed(1)} CPU-s for the whole runner, load ${load()})\n`,
  );
  process.stdout.write(
    "R\tC each\twall s\tideal s\twall/ideal\tmedian tenant s\twall/rounds\tCPU-s\tCPU-s/tenant\tupgraded\tper runner\tload\n",
  );
  let version = 3;
  for (const r of COUNTS) {
    const res = await rollout(dir, all, version, r, CONCURRENCY);
    version += 1;
    const rounds = Math.ceil(N / (r * CONCURRENCY));
    const ideal = rounds * t;
    process.stdout.write(
      `${r}\t${CONCURRENCY}\t${(res.wallMs / 1000).toFixed(1)}\t${(ideal / 1000).toFixed(1)}\t${(res.wallMs / ideal).toFixed(2)}\t${(res.medianTenantMs / 1000).toFixed(1)}\t${(res.wallMs / (rounds * res.medianTenantMs)).toFixed(2)}\t${res.cpuS.toFixed(0)}\t${(res.cpuS / N).toFixed(2)}\t${res.upgraded}/${N}\t${res.perRunner.join("+")}\t${load()}\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
