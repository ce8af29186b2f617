/**
 * Runs one stack operation in its own Node process. The Pulumi SDK installs process-wide handlers for uncaught
 * exceptions and unhandled rejections while an inline program runs, so two programs in one process can fail each
 * other; a process per operation confines any such error (or a crash, or an OOM) to its own tenant.
 */
import { fork } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Io } from "../io";
import { packageRoot } from "../package-root";
import { isWorkerResult, type WorkerRequest, type WorkerResult } from "./worker-protocol";

/** How long a worker may linger after reporting (open handles) before it is stopped. */
const EXIT_GRACE_MS = 5000;
const TAIL_LINES = 20;

export interface IsolatedRunOptions {
  readonly io: Io;
  /** Each line the worker writes to stderr (its engine progress), e.g. to prefix it with the slug. */
  readonly onLine?: (line: string) => void;
  /** Overrides the compiled worker entry (tests). */
  readonly workerPath?: string;
}

/** dist/cli/fleet/worker-main.js next to this file when built; under ts-jest the package's dist/ copy. */
export function defaultWorkerPath(): string {
  const local = join(__dirname, "worker-main.js");
  return existsSync(local) ? local : join(packageRoot(), "dist", "cli", "fleet", "worker-main.js");
}

function failure(error: string, tail: readonly string[]): WorkerResult {
  const last = tail.filter((l) => /error/i.test(l)).slice(-3);
  return { ok: false, error: last.length > 0 ? `${error}: ${last.join(" | ")}` : error, exitCode: 1, hint: null };
}

export function runIsolated(request: WorkerRequest, options: IsolatedRunOptions): Promise<WorkerResult> {
  const workerPath = options.workerPath ?? defaultWorkerPath();
  return new Promise<WorkerResult>((resolve) => {
    const child = fork(workerPath, [], {
      cwd: options.io.cwd,
      env: options.io.env,
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      serialization: "json",
      execArgv: [],
    });
    const tail: string[] = [];
    let result: WorkerResult | undefined;
    let partial = "";
    let killTimer: NodeJS.Timeout | undefined;
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      const lines = (partial + chunk).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
        options.onLine?.(line);
      }
    });
    child.on("message", (message: unknown) => {
      if (!isWorkerResult(message)) return;
      result = message;
      killTimer = setTimeout(() => child.kill("SIGKILL"), EXIT_GRACE_MS);
      killTimer.unref();
    });
    child.on("error", (error) => {
      if (killTimer !== undefined) clearTimeout(killTimer);
      resolve(result ?? failure(`could not start the worker for ${request.slug} (${error.message})`, tail));
    });
    child.on("exit", (code, signal) => {
      if (killTimer !== undefined) clearTimeout(killTimer);
      if (partial !== "") tail.push(partial);
      const how = signal === null ? `exit code ${code ?? "?"}` : `signal ${signal}`;
      resolve(result ?? failure(`the ${request.kind} worker for ${request.slug} died (${how}) before reporting a result`, tail));
    });
    child.send(request);
  });
}
