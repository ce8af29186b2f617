import type { SharedOutputs } from "../../infra/shared/outputs";

/**
 * The messages between a fleet command's worker pool and its worker processes (worker-pool.ts, worker-main.ts).
 * Plain JSON over Node's IPC channel. A worker runs one operation at a time and may run several in sequence:
 * parent → worker `run` (an id and one request); worker → parent `result` for that id, or `fault` when an unhandled
 * rejection or uncaught exception happens while it is idle (it then exits without starting any operation sent to it
 * meanwhile, which the parent runs on another worker). Before each `result` the worker writes
 * `DONE_MARKER + id` as a line on its stderr, so the parent knows every progress line of that operation has arrived.
 * Pure types plus the message guards.
 */

export interface UpgradeRequest {
  readonly kind: "upgrade";
  readonly env: string;
  readonly slug: string;
  readonly image: string;
  /** Upgrade a pinned tenant too, removing its pin (otherwise a pinned tenant is reported, not touched). */
  readonly includePinned: boolean;
  /** Read once by the parent, so each worker spares the engine calls that read the shared stack. */
  readonly shared: SharedOutputs;
  readonly secretsProvider: string | undefined;
  /** The command that resumes the operation, for hints in errors. */
  readonly retry: string;
}

export interface DriftRequest {
  readonly kind: "drift";
  readonly env: string;
  readonly slug: string;
  readonly secretsProvider: string | undefined;
  readonly retry: string;
}

export type WorkerRequest = UpgradeRequest | DriftRequest;

export interface UpgradeValue {
  readonly kind: "upgrade";
  /** The image the tenant ran before (`pinnedImage ?? image` of its stored spec). */
  readonly previousImage: string;
  /** True when the tenant is pinned and includePinned was off: nothing was changed. */
  readonly pinned: boolean;
  readonly url: string | null;
  readonly changes: Record<string, number>;
}

export interface DriftedResource {
  readonly type: string;
  readonly name: string;
  /** `update` (changed behind the program's back) or `delete` (gone from the account). */
  readonly op: string;
  /** Properties that differ, when the engine reports them. */
  readonly keys: readonly string[];
}

export interface DriftValue {
  readonly kind: "drift";
  readonly drifted: readonly DriftedResource[];
  readonly changes: Record<string, number>;
}

export type WorkerValue = UpgradeValue | DriftValue;

export type WorkerResult =
  | { readonly ok: true; readonly value: WorkerValue }
  | { readonly ok: false; readonly error: string; readonly exitCode: number; readonly hint: string | null };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

export function isWorkerRequest(message: unknown): message is WorkerRequest {
  return (
    isObject(message) &&
    (message.kind === "upgrade" || message.kind === "drift") &&
    typeof message.slug === "string" &&
    typeof message.env === "string"
  );
}

export function isWorkerResult(message: unknown): message is WorkerResult {
  if (!isObject(message) || typeof message.ok !== "boolean") return false;
  return message.ok
    ? isObject(message.value)
    : typeof message.error === "string" && typeof message.exitCode === "number";
}

/** Start of the stderr line a worker writes after an operation's last progress line (followed by the operation id). */
export const DONE_MARKER = "\u001etenantctl-fleet-worker-done ";

export interface RunMessage {
  readonly type: "run";
  readonly id: number;
  readonly request: WorkerRequest;
}

export interface ResultMessage {
  readonly type: "result";
  readonly id: number;
  readonly result: WorkerResult;
  /** The worker saw an unhandled rejection or uncaught exception during the operation: it must not be reused. */
  readonly faulted: boolean;
}

export interface FaultMessage {
  readonly type: "fault";
  readonly error: string;
}

export type WorkerMessage = ResultMessage | FaultMessage;

export function isRunMessage(message: unknown): message is RunMessage {
  return (
    isObject(message) && message.type === "run" && typeof message.id === "number" && isWorkerRequest(message.request)
  );
}

export function isWorkerMessage(message: unknown): message is WorkerMessage {
  if (!isObject(message)) return false;
  if (message.type === "fault") return typeof message.error === "string";
  return (
    message.type === "result" &&
    typeof message.id === "number" &&
    typeof message.faulted === "boolean" &&
    isWorkerResult(message.result)
  );
}
