/**
 * Runs the bad-input case lists (bad-inputs.ts, bad-inputs-more.ts) against a stand-in world — a backend with the
 * shared stack and a tenant, the env of e2eEnv (its PATH finds the stand-in `pulumi`) — in two ways:
 * - every case in-process: runCli, the binary's own entry, with the run's cwd and the case's env, also laid over
 *   process.env for the Pulumi SDK (withProcessEnv); one case at a time, so no two runs share process.env; a run that
 *   changes process.env fails;
 * - a sample (binarySample: one case per command and per kind of refusal) through the built binary: the process's real exit code, stdout and stderr.
 * Both apply the same checks (refusalProblem). A process costs ~0.4 CPU-s of node start and module loading; an
 * in-process run a few milliseconds.
 */
import { runInProcess } from "./memory-io";
import { tenantctl } from "./e2e";

export interface RefusalCase {
  readonly argv: readonly string[];
  /** A fragment of the one `error:` line. */
  readonly expect: RegExp;
  /** Exit code, when not 2. */
  readonly code?: number;
  /** PULUMI_BACKEND_URL for this case (relative to the run's cwd). */
  readonly backendUrl?: string;
}

export interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The env a case runs with: the world's, with the case's backend URL when it has one. */
export function caseEnv(env: NodeJS.ProcessEnv, bad: RefusalCase): NodeJS.ProcessEnv {
  return bad.backendUrl === undefined ? env : { ...env, PULUMI_BACKEND_URL: bad.backendUrl };
}

/**
 * What is wrong with a case's outcome, or undefined when it was refused cleanly: its exit code (2 unless given),
 * exactly one non-blank stderr line, starting `error: ` and matching `expect`, and stdout empty — or, under --json,
 * one JSON error document carrying the exit code.
 */
export function refusalProblem(bad: RefusalCase, r: Outcome): string | undefined {
  const code = bad.code ?? 2;
  const lines = r.stderr.split("\n").filter((l) => l.trim() !== "");
  let jsonOk = r.stdout === "";
  if (bad.argv.includes("--json")) {
    try {
      jsonOk = (JSON.parse(r.stdout) as { error: { exitCode: number } }).error.exitCode === code;
    } catch {
      jsonOk = false;
    }
  }
  if (r.code === code && lines.length === 1 && lines[0]?.startsWith("error: ") && bad.expect.test(r.stderr) && jsonOk)
    return undefined;
  return `${JSON.stringify(bad.argv)}${bad.backendUrl === undefined ? "" : ` [${bad.backendUrl}]`} → exit ${r.code}, stderr ${JSON.stringify(r.stderr.slice(0, 300))}, stdout ${JSON.stringify(r.stdout.slice(0, 200))}`;
}

/** A case's command: its leading words before the first option, at most two (`provision tenant`, `capacity`). */
export function commandOf(argv: readonly string[]): string {
  const words: string[] = [];
  for (const arg of argv) {
    if (words.length === 2 || arg.startsWith("-")) break;
    words.push(arg);
  }
  return words.join(" ");
}

/**
 * The cases to run through the binary too, in list order: the first case of each command, and the first of each kind
 * (exit code, with or without its own backend URL), so the process-level path of every command and every kind of
 * refusal is covered; a case added for a new command or kind is sampled without a change here.
 */
export function binarySample<T extends RefusalCase>(cases: readonly T[]): T[] {
  const seen = new Set<string>();
  const isNew = (key: string): boolean => {
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
  return cases.filter((bad) => {
    const command = isNew(`command ${commandOf(bad.argv)}`);
    const kind = isNew(`exit ${bad.code ?? 2}, ${bad.backendUrl === undefined ? "world" : "own"} backend URL`);
    return command || kind;
  });
}

/**
 * Runs `fn` with `env` laid over process.env, then puts process.env back. In-process, the CLI reads its env from
 * io.env, but the Pulumi SDK finds `pulumi` on process.env.PATH and starts it with process.env under its own variables:
 * this way a case that wrongly reached the engine would meet the stand-in with the world's env, as the binary would.
 * Returns what fn returned and whether process.env differed from the laid-over env when fn ended.
 */
async function withProcessEnv<T>(
  env: NodeJS.ProcessEnv,
  fn: () => Promise<T>,
): Promise<{ value: T; changed: boolean }> {
  const saved = new Map(Object.keys(env).map((key) => [key, process.env[key]] as const));
  Object.assign(process.env, env);
  const expected = JSON.stringify(process.env);
  try {
    const value = await fn();
    return { value, changed: JSON.stringify(process.env) !== expected };
  } finally {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** Runs every case in-process, one after another; returns the failures (and a note for a run that changed process.env). */
export async function inProcessRefusalFailures(
  cwd: string,
  env: NodeJS.ProcessEnv,
  cases: readonly RefusalCase[],
): Promise<string[]> {
  const failures: string[] = [];
  for (const bad of cases) {
    const runEnv = caseEnv(env, bad);
    const { value: run, changed } = await withProcessEnv(runEnv, () => runInProcess(bad.argv, { cwd, env: runEnv }));
    const problem = refusalProblem(bad, run);
    if (problem !== undefined) failures.push(problem);
    if (changed) failures.push(`${JSON.stringify(bad.argv)} changed process.env`);
  }
  return failures;
}

/** Runs the cases through the built binary, `lanes` processes at a time; returns the failures. */
export async function binaryRefusalFailures(
  cwd: string,
  env: NodeJS.ProcessEnv,
  cases: readonly RefusalCase[],
  lanes = 1,
): Promise<string[]> {
  const failures: string[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < cases.length; i = next++) {
      const bad = cases[i] as RefusalCase;
      const problem = refusalProblem(bad, await tenantctl(cwd, caseEnv(env, bad), bad.argv));
      if (problem !== undefined) failures.push(problem);
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return failures;
}
