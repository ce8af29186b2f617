/**
 * The fleet's worker pool: at most `size` long-lived worker processes (worker-main.ts), each running ONE stack
 * operation at a time. The Pulumi SDK installs process-wide handlers for uncaught exceptions and unhandled rejections
 * while an inline program runs, so two programs running at once in one process can fail each other; here no
 * operation ever shares a process with another running one. Operations run one after another on a worker, which
 * spares loading @pulumi/pulumi, @pulumi/aws and the tenant program again for each tenant.
 *
 * A worker is discarded (disconnected, killed after a grace period if it lingers) and replaced by a fresh one when its
 * operation failed, it crashed, its operation timed out, it reported an unhandled rejection or uncaught exception, its
 * result arrived without the end of its progress output, or it has run `maxOperationsPerWorker` operations.
 *
 * An operation's result is the worker's result, or a failure naming the tenant and the last error lines of its
 * stderr when the worker died before reporting. Every stderr line of an operation is handed to
 * that operation's `onLine` (the worker marks the end of an operation's output, see worker-protocol.ts).
 */
import { fork, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Io } from "../io";
import { packageRoot } from "../package-root";
import {
  DONE_MARKER,
  isWorkerMessage,
  type RunMessage,
  type WorkerRequest,
  type WorkerResult,
} from "./worker-protocol";

/** How long a worker may take to exit once released, or to finish its output after reporting, before it is killed. */
export const EXIT_GRACE_MS = 5000;
/** Operations a worker runs before it is retired (bounds the memory a long rollout lets one process accumulate). */
export const MAX_OPERATIONS_PER_WORKER = 25;
const TAIL_LINES = 20;

export interface WorkerPoolOptions {
  readonly io: Io;
  /** Most worker processes alive at once (the command's --concurrency). */
  readonly size: number;
  readonly maxOperationsPerWorker?: number;
  /** Per operation: past it the worker gets SIGINT (graceful engine cancel), then SIGKILL after the grace period. */
  readonly operationTimeoutMs?: number;
  readonly exitGraceMs?: number;
  /** Overrides the compiled worker entry (tests). */
  readonly workerPath?: string;
  /** Worker life cycle (started, assigned an operation, retired, exited), e.g. for --verbose. */
  readonly onEvent?: (event: PoolEvent) => void;
}

export type PoolEvent =
  | { readonly kind: "started"; readonly pid: number; readonly live: number }
  | { readonly kind: "assigned"; readonly pid: number; readonly slug: string; readonly operation: number }
  | { readonly kind: "retired"; readonly pid: number; readonly reason: string }
  | { readonly kind: "exited"; readonly pid: number; readonly how: string };

export interface PoolRunOptions {
  /** Each line the worker writes to stderr during this operation (its engine progress), e.g. to prefix it with the slug. */
  readonly onLine?: (line: string) => void;
}

export interface PoolStats {
  /** Worker processes started so far. */
  readonly started: number;
  /** Most worker processes alive at the same time. */
  readonly peakLive: number;
  readonly live: number;
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

interface Operation {
  readonly id: number;
  readonly request: WorkerRequest;
  readonly onLine: ((line: string) => void) | undefined;
  readonly options: PoolRunOptions;
  readonly resolve: (result: WorkerResult) => void;
  result: WorkerResult | undefined;
  faulted: boolean;
  outputDone: boolean;
  timedOut: boolean;
  timers: NodeJS.Timeout[];
}

interface Worker {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly exited: Promise<void>;
  operations: number;
  current: Operation | undefined;
  retiring: boolean;
  alive: boolean;
  readonly tail: string[];
}

export class WorkerPool {
  private readonly workers = new Set<Worker>();
  private readonly idle: Worker[] = [];
  private readonly waiting: ((worker: Worker) => void)[] = [];
  private readonly inFlight = new Set<Promise<WorkerResult>>();
  private nextId = 1;
  private started = 0;
  private peakLive = 0;
  private closed = false;
  private readonly size: number;
  private readonly maxOperations: number;
  private readonly grace: number;
  private readonly workerPath: string;

  constructor(private readonly options: WorkerPoolOptions) {
    this.size = Math.max(1, Math.floor(options.size));
    this.maxOperations = Math.max(1, options.maxOperationsPerWorker ?? MAX_OPERATIONS_PER_WORKER);
    this.grace = options.exitGraceMs ?? EXIT_GRACE_MS;
    this.workerPath = options.workerPath ?? defaultWorkerPath();
  }

  stats(): PoolStats {
    return { started: this.started, peakLive: this.peakLive, live: this.workers.size };
  }

  /** Runs one operation on a free worker (waiting for one when `size` are busy). Never rejects. */
  run(request: WorkerRequest, options: PoolRunOptions = {}): Promise<WorkerResult> {
    if (this.closed)
      return Promise.resolve(
        failure(`the worker pool is closed; the ${request.kind} of ${request.slug} did not run`, []),
      );
    const promise = new Promise<WorkerResult>((resolve) => this.assign(request, options, resolve));
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
    return promise;
  }

  /** Waits for the operations in flight, releases every worker and waits until each process has exited. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
    for (const worker of [...this.idle]) this.retire(worker, "the command is done");
    this.idle.length = 0;
    await Promise.all([...this.workers].map((w) => w.exited));
  }

  private acquire(): Promise<Worker> {
    const idle = this.idle.shift();
    if (idle !== undefined) return Promise.resolve(idle);
    if (this.workers.size < this.size) return Promise.resolve(this.spawn());
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** A worker is free, or a process slot opened: hand it to the oldest waiting operation. */
  private release(worker: Worker | undefined): void {
    if (worker !== undefined) {
      const waiter = this.waiting.shift();
      if (waiter !== undefined) waiter(worker);
      else this.idle.push(worker);
      return;
    }
    if (this.waiting.length > 0 && this.workers.size < this.size) {
      const waiter = this.waiting.shift();
      waiter?.(this.spawn());
    }
  }

  private spawn(): Worker {
    const child = fork(this.workerPath, [], {
      cwd: this.options.io.cwd,
      env: this.options.io.env,
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      serialization: "json",
      execArgv: [],
    });
    let markExited: () => void = () => undefined;
    const exited = new Promise<void>((resolve) => {
      markExited = resolve;
    });
    const worker: Worker = {
      child,
      pid: child.pid ?? -1,
      exited,
      operations: 0,
      current: undefined,
      retiring: false,
      alive: true,
      tail: [],
    };
    this.workers.add(worker);
    this.started += 1;
    this.peakLive = Math.max(this.peakLive, this.workers.size);
    this.options.onEvent?.({ kind: "started", pid: worker.pid, live: this.workers.size });

    let partial = "";
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      const lines = (partial + chunk).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) this.onLine(worker, line);
    });
    child.on("message", (message: unknown) => this.onMessage(worker, message));
    let gone = false;
    const onGone = (how: string): void => {
      if (gone) return;
      gone = true;
      if (partial !== "") this.onLine(worker, partial);
      partial = "";
      worker.alive = false;
      this.workers.delete(worker);
      this.dropIdle(worker);
      this.options.onEvent?.({ kind: "exited", pid: worker.pid, how });
      const op = worker.current;
      if (op !== undefined) {
        const kind = op.request.kind;
        this.finish(
          worker,
          op,
          op.result ??
            failure(`the ${kind} worker for ${op.request.slug} died (${how}) before reporting a result`, worker.tail),
        );
      }
      markExited();
      this.release(undefined);
    };
    child.on("error", (error) => {
      const op = worker.current;
      if (op !== undefined && op.result === undefined) {
        op.result = failure(`could not start the worker for ${op.request.slug} (${error.message})`, worker.tail);
      }
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      if (child.pid === undefined) onGone(`not started: ${error.message}`);
    });
    child.on("exit", (code, signal) => {
      const how = signal === null ? `exit code ${code ?? "?"}` : `signal ${signal}`;
      worker.retiring = true;
      this.dropIdle(worker);
      // Messages the worker sent just before it ended may still be in the IPC channel: read them first.
      if (!child.connected) {
        onGone(how);
        return;
      }
      const fallback = setTimeout(() => onGone(how), 1000);
      child.once("disconnect", () => {
        clearTimeout(fallback);
        onGone(how);
      });
    });
    return worker;
  }

  private assign(request: WorkerRequest, options: PoolRunOptions, resolve: (result: WorkerResult) => void): void {
    void this.acquire().then((worker) => this.dispatch(worker, request, options, resolve));
  }

  private dispatch(
    worker: Worker,
    request: WorkerRequest,
    options: PoolRunOptions,
    resolve: (result: WorkerResult) => void,
  ): void {
    if (!worker.alive || worker.retiring) {
      this.assign(request, options, resolve);
      return;
    }
    const op: Operation = {
      id: this.nextId++,
      request,
      onLine: options.onLine,
      options,
      resolve,
      result: undefined,
      faulted: false,
      outputDone: false,
      timedOut: false,
      timers: [],
    };
    worker.current = op;
    worker.operations += 1;
    worker.tail.length = 0;
    this.options.onEvent?.({ kind: "assigned", pid: worker.pid, slug: request.slug, operation: worker.operations });
    const timeout = this.options.operationTimeoutMs;
    if (timeout !== undefined) {
      op.timers.push(
        setTimeout(() => {
          op.timedOut = true;
          worker.child.kill("SIGINT");
          op.timers.push(setTimeout(() => worker.child.kill("SIGKILL"), this.grace));
        }, timeout),
      );
    }
    const message: RunMessage = { type: "run", id: op.id, request };
    try {
      worker.child.send(message, (error) => {
        if (error !== null && error !== undefined) worker.child.kill("SIGKILL");
      });
    } catch {
      worker.child.kill("SIGKILL");
    }
  }

  private onLine(worker: Worker, line: string): void {
    const op = worker.current;
    if (line.startsWith(DONE_MARKER)) {
      if (op !== undefined && line === `${DONE_MARKER}${op.id}`) {
        op.outputDone = true;
        if (op.result !== undefined) this.finish(worker, op, op.result);
      }
      return;
    }
    worker.tail.push(line);
    if (worker.tail.length > TAIL_LINES) worker.tail.shift();
    op?.onLine?.(line);
  }

  private onMessage(worker: Worker, message: unknown): void {
    if (!isWorkerMessage(message)) return;
    if (message.type === "fault") {
      // Faults during an operation come with its result; this one happened while the worker was idle, so the
      // operation sent to it meanwhile (if any) was not started: run it on another worker.
      worker.tail.push(message.error);
      const unstarted = worker.current;
      if (unstarted !== undefined && unstarted.result === undefined) {
        worker.current = undefined;
        for (const timer of unstarted.timers) clearTimeout(timer);
        this.retire(
          worker,
          `it reported ${message.error} while idle; ${unstarted.request.slug} goes to another worker`,
        );
        this.assign(unstarted.request, unstarted.options, unstarted.resolve);
        return;
      }
      this.retire(worker, `it reported ${message.error} while idle`);
      return;
    }
    const op = worker.current;
    if (op === undefined || op.id !== message.id || op.result !== undefined) return;
    op.result = message.result;
    op.faulted = op.faulted || message.faulted;
    if (op.outputDone) {
      this.finish(worker, op, op.result);
      return;
    }
    // The result came without the end of the output: give the output a grace period, then stop waiting for it.
    op.timers.push(
      setTimeout(() => {
        if (worker.current === op) this.finish(worker, op, message.result, "its output did not end after its result");
      }, this.grace),
    );
  }

  private finish(worker: Worker, op: Operation, result: WorkerResult, suspect?: string): void {
    if (worker.current !== op) return;
    worker.current = undefined;
    for (const timer of op.timers) clearTimeout(timer);
    const seconds = ((this.options.operationTimeoutMs ?? 0) / 1000).toFixed(1);
    const final: WorkerResult = op.timedOut
      ? {
          ok: false,
          error: `the ${op.request.kind} of ${op.request.slug} timed out after ${seconds}s${result.ok ? "" : ` (${result.error})`}`,
          exitCode: 1,
          hint: result.ok ? null : result.hint,
        }
      : result;
    const reason = !worker.alive
      ? undefined
      : op.timedOut
        ? "its operation timed out"
        : op.faulted
          ? "it reported an unhandled rejection or uncaught exception"
          : !final.ok
            ? "its operation failed"
            : suspect !== undefined
              ? suspect
              : worker.operations >= this.maxOperations
                ? `it ran ${worker.operations} operations`
                : undefined;
    if (reason !== undefined) this.retire(worker, reason);
    else if (worker.alive && !worker.retiring) this.release(worker);
    op.resolve(final);
  }

  private dropIdle(worker: Worker): void {
    const at = this.idle.indexOf(worker);
    if (at >= 0) this.idle.splice(at, 1);
  }

  /** Disconnects a worker (it exits when idle) and kills it if it is still there after the grace period. */
  private retire(worker: Worker, reason: string): void {
    if (worker.retiring || !worker.alive) return;
    worker.retiring = true;
    this.dropIdle(worker);
    this.options.onEvent?.({ kind: "retired", pid: worker.pid, reason });
    if (worker.child.connected) worker.child.disconnect();
    const kill = setTimeout(() => {
      if (worker.alive) worker.child.kill("SIGKILL");
    }, this.grace);
    kill.unref();
    void worker.exited.then(() => clearTimeout(kill));
  }
}

/** One line per pool event, for --verbose. */
export function describePoolEvent(event: PoolEvent): string {
  switch (event.kind) {
    case "started":
      return `worker ${event.pid}: started (${event.live} alive)`;
    case "assigned":
      return `worker ${event.pid}: runs ${event.slug} (operation ${event.operation})`;
    case "retired":
      return `worker ${event.pid}: retired: ${event.reason}`;
    case "exited":
      return `worker ${event.pid}: exited (${event.how})`;
  }
}
