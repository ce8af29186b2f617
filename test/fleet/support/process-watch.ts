/**
 * Watches the fleet worker processes of one tenantctl run from the outside (/proc), independently of what tenantctl
 * logs: how many were alive at once, and whether any is left. Linux only, like the stand-in tests.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO, type CliRun, type FleetEnv } from "./fleet-env";

const WORKER = join("cli", "fleet", "worker-main.js");

/** Pids of the live fleet worker processes whose parent is `parent` (any parent when undefined). */
export function workerPids(parent?: number): number[] {
  const found: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (fields[0] === "Z") continue;
      if (parent !== undefined && Number(fields[1]) !== parent) continue;
      if (readFileSync(`/proc/${name}/cmdline`, "utf8").includes(WORKER)) found.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0] !== "Z";
  } catch {
    return false;
  }
}

export interface WatchedRun extends CliRun {
  /** Most worker processes of this tenantctl seen alive at one sample. */
  readonly peakWorkers: number;
  /** Samples taken (every 50 ms). */
  readonly samples: number;
}

export interface Started {
  readonly child: ChildProcess;
  /** stderr so far. */
  stderr(): string;
  readonly done: Promise<WatchedRun>;
}

/** Starts tenantctl like FleetEnv.run does, sampling its worker processes until it exits. */
export function startWatched(f: FleetEnv, args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Started {
  const child = spawn(process.execPath, [join(REPO, "bin", "tenantctl.js"), ...args], {
    cwd: f.dir,
    env: { ...f.env, ...extraEnv },
  });
  let stdout = "";
  let stderr = "";
  let peakWorkers = 0;
  let samples = 0;
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const timer = setInterval(() => {
    if (child.pid === undefined) return;
    samples += 1;
    peakWorkers = Math.max(peakWorkers, workerPids(child.pid).length);
  }, 50);
  const done = new Promise<WatchedRun>((resolve) => {
    child.on("close", (code, signal) => {
      clearInterval(timer);
      resolve({ code: code ?? (signal === null ? 1 : 128), stdout, stderr, peakWorkers, samples });
    });
  });
  return { child, stderr: () => stderr, done };
}

/** What the --verbose pool lines say: per worker pid the tenants it ran, in order, and the most alive at once. */
export function poolLog(stderr: string): { runs: Map<number, string[]>; started: number[]; peakLive: number } {
  const runs = new Map<number, string[]>();
  const started: number[] = [];
  let live = 0;
  let peakLive = 0;
  for (const line of stderr.split("\n")) {
    const m = /^worker (\d+): (started|runs (\S+)|exited)/.exec(line);
    if (m === null) continue;
    const pid = Number(m[1]);
    if (m[2] === "started") {
      started.push(pid);
      live += 1;
      peakLive = Math.max(peakLive, live);
    } else if (m[2] === "exited") {
      live -= 1;
    } else {
      runs.set(pid, [...(runs.get(pid) ?? []), m[3] ?? ""]);
    }
  }
  return { runs, started, peakLive };
}

export async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return condition();
}
