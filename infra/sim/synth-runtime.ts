import { Resource } from "@pulumi/pulumi";
import * as settingsModule from "@pulumi/pulumi/runtime/settings";
import * as stateModule from "@pulumi/pulumi/runtime/state";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { asRecord, isRecord, type Props } from "./types";

/**
 * The SDK internals `synthesize` relies on, typed in one place. They are what the Automation API's own inline-program
 * server uses (runtime/state.withLocalStorage, settings.setMockOptions/disconnect); if an SDK upgrade moves them, the
 * check below fails with a message naming the missing piece instead of a run that silently shares state.
 */
interface LocalStoreFlags {
  supportsSecrets: boolean;
  supportsResourceReferences: boolean;
  supportsOutputValues: boolean;
  supportsDeletedWith: boolean;
  supportsReplaceWith: boolean;
  supportsAliasSpecs: boolean;
  supportsTransforms: boolean;
  supportsParameterization: boolean;
  supportsResourceHooks: boolean;
  supportsErrorHooks: boolean;
  logErrorCount: number;
  settings: { engine?: unknown };
}

interface StateInternals {
  withLocalStorage<T>(callback: () => Promise<T>): Promise<T>;
  getStore(): LocalStoreFlags;
}

function internals(): StateInternals {
  const state = stateModule as unknown as Partial<StateInternals>;
  if (typeof state.withLocalStorage !== "function" || typeof state.getStore !== "function") {
    throw new Error(
      "infra/sim: @pulumi/pulumi/runtime/state no longer exports withLocalStorage/getStore; update infra/sim/synth-runtime.ts for this SDK version",
    );
  }
  return state as StateInternals;
}

/**
 * Runs `body` with its own Pulumi runtime state (settings, config, stack resource, monitor), exactly as the
 * Automation API isolates inline programs: nothing leaks between runs, and runs may even overlap.
 */
export function withIsolatedRuntime<T>(body: () => Promise<T>): Promise<T> {
  return internals().withLocalStorage(body);
}

/** What `pulumi.runtime.setMocks` does, but with our own monitor instance (setMocks always builds a plain one). */
export function installMockMonitor(monitor: object, project: string, stack: string, preview: boolean): void {
  settingsModule.setMockOptions(monitor, project, stack, preview);
  const store = internals().getStore();
  store.supportsSecrets = true;
  store.supportsResourceReferences = true;
  store.supportsOutputValues = false;
  store.supportsDeletedWith = true;
  store.supportsReplaceWith = true;
  store.supportsAliasSpecs = true;
  store.supportsTransforms = false;
  store.supportsParameterization = true;
  store.supportsResourceHooks = true;
  store.supportsErrorHooks = true;
}

export interface Diagnostic {
  readonly severity: "debug" | "info" | "warning" | "error";
  readonly message: string;
  /** The resource the message is about, when the program named one. */
  readonly urn: string | undefined;
}

interface LogRequest {
  getSeverity(): number;
  getMessage(): string;
  getUrn(): string;
}

type Callback = (err: { code: number } | null, response?: unknown) => void;

const SEVERITIES = ["debug", "info", "warning", "error"] as const;
/** grpc.status.UNIMPLEMENTED: what an engine without the root-resource RPCs answers, which the SDK tolerates. */
const GRPC_UNIMPLEMENTED = 12;

/**
 * Without an engine the SDK prints `pulumi.log.*` to the console; this stand-in engine collects the messages
 * instead, so `synthesize` can return them and `--json` output stays clean.
 */
export function installRecordingEngine(sink: Diagnostic[]): void {
  internals().getStore().settings.engine = {
    log(req: LogRequest, callback: Callback): void {
      // Debug chatter of the SDK itself (every registration) is noise for a synth report.
      if (req.getSeverity() === 0) {
        callback(null);
        return;
      }
      const urn = req.getUrn();
      sink.push({
        severity: SEVERITIES[req.getSeverity()] ?? "info",
        message: req.getMessage(),
        urn: urn === "" ? undefined : urn,
      });
      callback(null);
    },
    setRootResource(_req: unknown, callback: Callback): void {
      callback({ code: GRPC_UNIMPLEMENTED });
    },
    getRootResource(_req: unknown, callback: Callback): void {
      callback({ code: GRPC_UNIMPLEMENTED });
    },
    requirePulumiVersion(_req: unknown, callback: Callback): void {
      callback(null);
    },
  };
}

/** Number of `pulumi.log.error` calls in the current run: the engine fails a deployment that logged errors. */
export function loggedErrorCount(): number {
  return internals().getStore().logErrorCount;
}

/** Waits for every outstanding registration, then drops the monitor (the same teardown as the Automation API). */
export async function drainRuntime(): Promise<void> {
  await settingsModule.disconnect();
}

interface CallsiteHolder {
  callsites: () => unknown[];
}

let cheapDepth = 0;
let savedLimit = Error.stackTraceLimit;
let savedCallsites: (() => unknown[]) | undefined;

/**
 * The SDK captures a full stack trace for every promise it tracks and every resource it registers (source positions
 * for the engine). Under a source-map-aware runner (jest) that is ~90% of a simulated run, and mocks ignore the
 * positions. So while any run is in flight, traces are switched off; the last run to finish restores them.
 */
export async function withCheapStackTraces<T>(body: () => Promise<T>): Promise<T> {
  const holder = Resource as unknown as CallsiteHolder;
  if (cheapDepth === 0) {
    savedLimit = Error.stackTraceLimit;
    savedCallsites = holder.callsites;
    Error.stackTraceLimit = 0;
    holder.callsites = () => [];
  }
  cheapDepth += 1;
  try {
    return await body();
  } finally {
    cheapDepth -= 1;
    if (cheapDepth === 0) {
      Error.stackTraceLimit = savedLimit;
      if (savedCallsites !== undefined) holder.callsites = savedCallsites;
    }
  }
}

function isSecretWrapper(value: unknown): value is { value: unknown } {
  return isRecord(value) && value[specialSigKey] === specialSecretSig;
}

/** Plain values for the model, plus the top-level keys that carried a secret (they stay encrypted in real state). */
export function unwrapSecrets(inputs: unknown): {
  readonly plain: Record<string, unknown>;
  readonly secretKeys: string[];
} {
  const secretKeys = new Set<string>();
  const walk = (value: unknown, top: string | undefined): unknown => {
    if (isSecretWrapper(value)) {
      if (top !== undefined) secretKeys.add(top);
      return walk(value.value, top);
    }
    if (Array.isArray(value)) return value.map((v) => walk(v, top));
    if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, top ?? k)]));
    return value;
  };
  const plain = asRecord(walk(inputs, undefined));
  return { plain, secretKeys: [...secretKeys].sort() };
}

/** The URN the mock monitor gives a resource (runtime/mocks.ts `newUrn`): only the parent's own type is prefixed. */
export function mockUrn(project: string, stack: string, parentUrn: string, type: string, name: string): string {
  let qualified = type;
  if (parentUrn !== "") {
    const parentType = (parentUrn.split("::")[2] ?? "").split("$").pop() ?? "";
    qualified = `${parentType}$${type}`;
  }
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** Provider `defaultTags` reach the mock as a JSON string (the aws Provider serialises nested inputs). */
export function providerDefaultTags(providerInputs: Props | undefined): Record<string, string> | undefined {
  const raw = providerInputs?.["defaultTags"];
  const parsed: unknown = typeof raw === "string" ? JSON.parse(raw) : raw;
  const tags = asRecord(asRecord(parsed)["tags"]);
  const entries = Object.entries(tags).filter((e): e is [string, string] => typeof e[1] === "string");
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** Sorting key so two runs of the same program can be compared resource by resource. */
export function byUrn<T extends { readonly urn: string }>(a: T, b: T): number {
  return a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0;
}
