/**
 * Warm-pool benchmark (issue 15), against the stand-in `pulumi` with per-operation delays: for each delay profile,
 * a cold `provision tenant --no-pool` and a `pool fill` of one slot run side by side (both create a whole tenant),
 * then `provision tenant` claims the slot. Figures: cold wall time, claim wall time, claim / cold, and the
 * claim-to-serving bound (claim + the app's identity re-read on a request while unassigned, 2 s; app/src/server.ts).
 * Build first (npm run build), then see bench/README.md. Knob: POOL_BENCH_PROFILES=tens,aws (default both).
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { benchEnvironment, benchImage, REPO, sharedUpDevArgs } from "./support";

const IMAGE = benchImage(1);
/** How long the app may serve "not assigned" after its rule routes it: one identity re-read (UNASSIGNED_RETRY_MS). */
const IDENTITY_REREAD_S = 2;

interface Profile {
  readonly name: string;
  /** `PULUMI_STANDIN_DELAY_MS` for every run. */
  readonly delays: string;
  /**
   * ECS service update in the claim run: the claim changes only the service's tags, and the provider then calls
   * TagResource only (no UpdateService, no steady-state wait), so this is a tag call, not a deployment. The cold
   * run never updates the service. Source: bench/README.md.
   */
  readonly tagOnlyServiceUpdateMs: number;
}

/** Sources and which figures are estimates: bench/README.md, "Pool profiles". */
const PROFILES: Readonly<Record<string, Profile>> = {
  tens: {
    name: "tens of seconds (the issue's measurement: RDS 30 s, ECS service 10 s)",
    delays: [
      "1000",
      "aws:rds/instance:Instance@create=30000",
      "aws:ecs/service:Service@create=10000",
      "aws:ecs/service:Service@update=10000",
    ].join(","),
    tagOnlyServiceUpdateMs: 1000,
  },
  aws: {
    name: "AWS-typical",
    delays: [
      "2000",
      "aws:rds/instance:Instance@create=420000",
      "aws:rds/instance:Instance@update=5000",
      "aws:ecs/service:Service@create=150000",
      "aws:ecs/service:Service@update=180000",
      "aws:ecs/taskDefinition:TaskDefinition=1000",
      "aws:lb/targetGroup:TargetGroup=2000",
      "aws:lb/listenerRule:ListenerRule=1000",
      "aws:secretsmanager/secret:Secret=1000",
      "aws:secretsmanager/secretVersion:SecretVersion=1000",
      "aws:iam/role:Role=3000",
      "aws:route53/record:Record@create=30000",
    ].join(","),
    tagOnlyServiceUpdateMs: 2000,
  },
};

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
}

function tenantctl(dir: string, args: readonly string[], extra: NodeJS.ProcessEnv = {}): Promise<Run> {
  const started = process.hrtime.bigint();
  const env: NodeJS.ProcessEnv = { ...benchEnvironment(dir), ...extra };
  const child = spawn(process.execPath, [join(REPO, "bin", "tenantctl.js"), ...args], { cwd: dir, env });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => {
    child.on("exit", (code) =>
      resolve({ code: code ?? 1, stdout, stderr, wallMs: Number(process.hrtime.bigint() - started) / 1e6 }),
    );
  });
}

async function must(run: Promise<Run>, what: string): Promise<Run> {
  const r = await run;
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}\n${r.stderr.slice(-3000)}`);
  return r;
}

const load = (): string => (loadavg()[0] ?? 0).toFixed(1);

async function bench(profile: Profile): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "tenantctl-bench-pool-"));
  mkdirSync(join(dir, "state"));
  await must(tenantctl(dir, sharedUpDevArgs(IMAGE)), "shared up");
  const delay = { PULUMI_STANDIN_DELAY_MS: profile.delays };
  const loadBefore = load();
  const [cold, fill] = await Promise.all([
    must(
      tenantctl(dir, ["provision", "tenant", "coldco", "--tier", "basic", "--no-pool", "--yes", "--json"], delay),
      "cold provision",
    ),
    must(tenantctl(dir, ["pool", "fill", "--tier", "basic", "--size", "1", "--json"], delay), "pool fill"),
  ]);
  const claimDelays = `${profile.delays.replace(/,aws:ecs\/service:Service@update=\d+/, "")},aws:ecs/service:Service@update=${profile.tagOnlyServiceUpdateMs}`;
  const claim = await must(
    tenantctl(dir, ["provision", "tenant", "warmco", "--tier", "basic", "--yes", "--json"], {
      PULUMI_STANDIN_DELAY_MS: claimDelays,
    }),
    "claim",
  );
  const doc = JSON.parse(claim.stdout) as { fromPool: boolean; resourceChanges: Record<string, number> };
  if (!doc.fromPool) throw new Error("the claim run did not come from the pool");
  const s = (ms: number): string => (ms / 1000).toFixed(1);
  process.stdout.write(
    [
      `profile: ${profile.name}`,
      `  delays: ${profile.delays} (claim: service update ${profile.tagOnlyServiceUpdateMs} ms, a tag call)`,
      `  cold provision: ${s(cold.wallMs)} s; pool fill (1 slot, alongside): ${s(fill.wallMs)} s; load before ${loadBefore}`,
      `  claim: ${s(claim.wallMs)} s (${JSON.stringify(doc.resourceChanges)}); claim-to-serving ≤ ${(claim.wallMs / 1000 + IDENTITY_REREAD_S).toFixed(1)} s`,
      `  claim / cold: ${((claim.wallMs / cold.wallMs) * 100).toFixed(1)} %; load after ${load()}`,
      "",
    ].join("\n"),
  );
}

async function main(): Promise<void> {
  const names = (process.env.POOL_BENCH_PROFILES ?? "tens,aws").split(",");
  for (const name of names) {
    const profile = PROFILES[name];
    if (profile === undefined)
      throw new Error(
        `POOL_BENCH_PROFILES: unknown profile ${JSON.stringify(name)} (allowed: ${Object.keys(PROFILES).join(", ")})`,
      );
    await bench(profile);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
