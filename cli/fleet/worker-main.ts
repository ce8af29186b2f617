/**
 * Entry of a fleet worker process (forked by the worker pool in worker-pool.ts). It runs one stack operation at a
 * time, as many in sequence as the parent sends, so @pulumi/pulumi, @pulumi/aws and the tenant program are loaded
 * once per worker instead of once per tenant. Its stderr carries the engine's progress for the parent to show.
 *
 * Running inline programs one after another in one process is what the Automation API's language server is built
 * for (pinned SDK 3.248.0, automation/server.ts): every `Run` gets a fresh async-local runtime store
 * (`withLocalStorage`), `resetOptions` drops the previous monitor/engine clients, leak candidates, log error count and
 * stack resource, and the uncaught-exception/unhandled-rejection handlers are added for the run and removed after it.
 *
 * What the worker adds:
 * - its own unhandled-rejection / uncaught-exception handlers. During an operation a fault the SDK also handles (it is
 *   inside a program run) fails that operation, as the SDK decides; one it does not handle is what used to crash the
 *   process: the operation is reported failed at once and the worker exits. Either way the result says `faulted`, and
 *   the parent never reuses the worker. While idle, a fault is reported and the worker exits.
 * - Ctrl-C is for the operation in flight (run-engine cancels the engine gracefully); an idle worker ignores it and
 *   waits for the parent.
 * - when the parent disconnects (it is done, or it died), an idle worker exits at once; a busy one cancels its engine
 *   gracefully, as on Ctrl-C, and exits when the operation ends.
 */
import { CliError } from "../errors";
import { processIo, type Io } from "../io";
import { knownPrerequisiteFailure } from "../orchestration/passphrase-error";
import {
  DONE_MARKER,
  isRunMessage,
  type ResultMessage,
  type WorkerMessage,
  type WorkerRequest,
  type WorkerResult,
} from "./worker-protocol";
import { upgradeTenant } from "./tenant-upgrade";
import { checkTenantDrift } from "./tenant-drift";

interface Current {
  readonly id: number;
  readonly request: WorkerRequest;
  readonly faults: string[];
  reported: boolean;
}

let current: Current | undefined;
let parentGone = false;
/** A fault happened while idle: this worker is ending and starts nothing more (the parent runs it elsewhere). */
let doomed = false;
const interruptHandlers = new Set<() => void>();

/**
 * This file is a process entry point, like cli/main.ts: a worker must end when its parent is gone or when it is no
 * longer trusted, even with SDK handles (gRPC channels, timers) still open, so it exits explicitly.
 */
function exitWorker(code: number): void {
  // eslint-disable-next-line no-restricted-properties -- the worker process's own entry point (see above)
  process.exit(code);
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

function send(message: WorkerMessage, then: () => void): void {
  if (parentGone || process.send === undefined || !process.connected) {
    then();
    return;
  }
  try {
    process.send(message, () => then());
  } catch {
    then();
  }
}

/** The worker's Io: the process's, with Ctrl-C and the parent's disconnect both asking the operation to cancel. */
function workerIo(): Io {
  const base = processIo();
  return {
    ...base,
    onInterrupt(handler) {
      interruptHandlers.add(handler);
      const unsubscribe = base.onInterrupt(handler);
      return () => {
        interruptHandlers.delete(handler);
        unsubscribe();
      };
    },
  };
}

async function handle(request: WorkerRequest): Promise<WorkerResult> {
  const io = workerIo();
  try {
    if (request.kind === "upgrade") {
      return { ok: true, value: await upgradeTenant(io, request) };
    }
    return { ok: true, value: await checkTenantDrift(io, request) };
  } catch (thrown: unknown) {
    const translated = (thrown as { translated?: unknown } | undefined)?.translated;
    const error = translated instanceof CliError ? translated : (knownPrerequisiteFailure(thrown, io.env) ?? thrown);
    if (error instanceof CliError)
      return { ok: false, error: error.message, exitCode: error.exitCode, hint: error.hint ?? null };
    return {
      ok: false,
      error: `internal error in the ${request.kind} of ${request.slug}: ${describe(error)}`,
      exitCode: 1,
      hint: null,
    };
  }
}

/** Lets rejections of promises the operation left behind surface (Node reports them after the microtask queue). */
async function settle(): Promise<void> {
  for (let i = 0; i < 2; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

function report(op: Current, result: WorkerResult, exitAfter: boolean): void {
  if (op.reported) return;
  op.reported = true;
  const faulted = op.faults.length > 0;
  const final: WorkerResult =
    faulted && result.ok
      ? {
          ok: false,
          error: `the ${op.request.kind} of ${op.request.slug} left an error behind: ${op.faults.join("; ")}`,
          exitCode: 1,
          hint: null,
        }
      : result;
  process.stderr.write(`${DONE_MARKER}${op.id}\n`);
  const message: ResultMessage = { type: "result", id: op.id, result: final, faulted };
  if (current === op) current = undefined;
  send(message, () => {
    // A faulted worker is not trusted with another operation; the parent retires it too.
    if (exitAfter || faulted) exitWorker(1);
    if (parentGone) exitWorker(0);
  });
}

/**
 * The SDK's own mark on an RPC cut off because the engine is shutting its resource monitor down (runtime/resource.js
 * sets it on UNAVAILABLE/CANCELLED and stops further RPCs): after a failed or cancelled step the program's pending
 * calls end this way. The operation's result already says what happened; this is not a fault of the worker.
 */
function isMonitorShutdown(error: unknown): boolean {
  return error instanceof Error && error.message === "Resource monitor is terminating";
}

function onFault(what: string, error: unknown): void {
  if (isMonitorShutdown(error)) return;
  const line = `${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  process.stderr.write(`tenantctl fleet worker: ${line}\n`);
  const op = current;
  if (op === undefined || op.reported) {
    doomed = true;
    send({ type: "fault", error: `${what}: ${describe(error)}` }, () => exitWorker(1));
    return;
  }
  op.faults.push(`${what}: ${describe(error)}`);
  // Only this handler is listening: outside a program run, so the SDK will not fail the run for it. Without this
  // handler Node would have ended the process; report the operation failed now and end.
  const event = what === "uncaught exception" ? "uncaughtException" : "unhandledRejection";
  if (process.listenerCount(event) <= 1) {
    report(
      op,
      {
        ok: false,
        error: `the ${op.request.kind} worker for ${op.request.slug} failed: ${what}: ${describe(error)}`,
        exitCode: 1,
        hint: null,
      },
      true,
    );
  }
}

function start(): void {
  if (process.send === undefined) {
    process.stderr.write(
      "tenantctl fleet worker: started without an IPC channel; it is run by tenantctl, not by hand\n",
    );
    process.exitCode = 2;
    return;
  }
  // Once the parent is gone nobody reads our stderr: a write then fails with EPIPE, which must not count as a fault.
  process.stderr.on("error", () => undefined);
  process.on("unhandledRejection", (reason: unknown) => onFault("unhandled rejection", reason));
  process.on("uncaughtException", (error: Error) => onFault("uncaught exception", error));
  // Ctrl-C reaches every process of the terminal's group: the operation in flight cancels through run-engine's own
  // handler; an idle worker stays until the parent, which stops starting work, releases it.
  process.on("SIGINT", () => undefined);
  process.on("disconnect", () => {
    parentGone = true;
    if (current === undefined) exitWorker(0);
    for (const handler of [...interruptHandlers]) handler();
  });
  process.on("message", (message: unknown) => {
    if (doomed) return;
    if (!isRunMessage(message)) {
      send({ type: "fault", error: "the fleet worker received a malformed message" }, () => exitWorker(1));
      return;
    }
    if (current !== undefined) {
      send({ type: "fault", error: `the fleet worker got operation ${message.id} while running ${current.id}` }, () =>
        exitWorker(1),
      );
      return;
    }
    const op: Current = { id: message.id, request: message.request, faults: [], reported: false };
    current = op;
    handle(message.request)
      .then(async (result) => {
        await settle();
        report(op, result, false);
      })
      .catch((error: unknown) => report(op, { ok: false, error: describe(error), exitCode: 1, hint: null }, true));
  });
}

start();
