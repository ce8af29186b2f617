import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { cliHost, runOnCliHost } from "../../support/hosts/client";
import { standinSpeedEnv } from "../../support/standin-harness";
import { prepareWorld, type WorldSource } from "../../support/world-cache";

export const ROOT = join(__dirname, "..", "..", "..");
export const BIN = join(ROOT, "bin", "tenantctl.js");
export const STANDIN_BIN = join(ROOT, "test", "support", "bin");
export const IMAGE = "registry.example.com/tenantctl-app:1.0.0";
/**
 * A Route 53 zone for the shared stack: its certificate is then validated by records the stack creates. Without one the
 * stand-in, like ACM, never issues it and the HTTPS listener is never created (docs/infra.md, "The certificate").
 */
export const ZONE_ID = "Z0123456789ABCDEFGHIJ";

/** Env dev with the test image and hosted zone: the arguments every `shared` command of the end-to-end tests takes. */
export const DEV_SHARED_ARGS: readonly string[] = [
  "--env",
  "dev",
  "--config",
  `imageUri=${IMAGE}`,
  "--config",
  `hostedZoneId=${ZONE_ID}`,
];

/** `shared up` of env dev with the test image and hosted zone: the first step of most end-to-end tests. */
export const SHARED_UP_DEV: readonly string[] = ["shared", "up", ...DEV_SHARED_ARGS];

/** The built CLI and the built stand-in are both needed (npm test builds before jest). */
export const built =
  existsSync(join(ROOT, "dist", "cli", "main.js")) &&
  existsSync(join(ROOT, "dist", "test", "support", "standin", "main.js"));
if (!built) throw new Error("dist/ is missing: run `npm run build` before these tests (npm test does)");

export interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function e2eEnv(backend: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: `${STANDIN_BIN}:${process.env.PATH ?? ""}`,
    HOME: process.env.HOME,
    PULUMI_HOME: join(backend, "..", "pulumi-home"),
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
    CI: "true",
    ...standinSpeedEnv(join(backend, "..")),
    ...extra,
  };
}

/**
 * Runs the compiled CLI (dist/cli) with this cwd, env and arguments: on the run's CLI host when one runs
 * (test/support/hosts: a warm worker thread, no node start or SDK loading per command), else as the binary
 * (tenantctlProcess). Tests of what only a process has (signals, exit on a closed pipe, startup, modules loaded) use
 * tenantctlProcess.
 */
export function tenantctl(cwd: string, env: NodeJS.ProcessEnv, args: readonly string[]): Promise<Result> {
  const host = cliHost();
  return host === undefined ? tenantctlProcess(cwd, env, args) : runOnCliHost(host, cwd, env, args);
}

/** Runs the built binary as a child process; `nodeArgs` go to node itself (e.g. `-r <preload>` to watch which modules load). */
export function tenantctlProcess(
  cwd: string,
  env: NodeJS.ProcessEnv,
  args: readonly string[],
  nodeArgs: readonly string[] = [],
): Promise<Result> {
  return runProcess(process.execPath, [...nodeArgs, BIN, ...args], cwd, env);
}

/** Runs a program with stdin closed and returns its exit code and what it printed. */
export function runProcess(
  file: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, [...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

export function tenantctlSync(cwd: string, env: NodeJS.ProcessEnv, args: readonly string[]): Result {
  const res = spawnSync(process.execPath, [BIN, ...args], { cwd, env, encoding: "utf8" });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

/**
 * Set-up only: the world `tenantctl shared up` (SHARED_UP_DEV) leaves in cwd, copied from this jest run's world cache
 * when an earlier file made it (test/support/world-cache.ts), else made by the real command. Throws when it fails.
 * A test that checks shared up itself (its output, exit code, what it changes) runs `tenantctl(cwd, env, SHARED_UP_DEV)`.
 */
export async function sharedUpDevWorld(cwd: string, env: NodeJS.ProcessEnv): Promise<WorldSource> {
  return prepareWorld({ root: cwd, argv: SHARED_UP_DEV, env }, async () => {
    const r = await tenantctl(cwd, env, SHARED_UP_DEV);
    if (r.code !== 0) throw new Error(`shared up exited ${r.code}:\n${r.stderr}`);
  });
}

/** Parses stdout as exactly one JSON document (JSON.parse rejects trailing text). */
export function json<T = Record<string, unknown>>(result: Result): T {
  return JSON.parse(result.stdout) as T;
}

/** A hash over every file path and content under dir: equal hashes = byte-identical tree. */
export function treeHash(dir: string): string {
  const hash = createHash("sha256");
  const walk = (d: string): void => {
    if (!existsSync(d)) return;
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else hash.update(relative(dir, p)).update("\0").update(readFileSync(p)).update("\0");
    }
  };
  walk(dir);
  return hash.digest("hex");
}

export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    if (!existsSync(d)) return;
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}
