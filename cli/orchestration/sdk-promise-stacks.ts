/**
 * The Pulumi SDK wraps each promise a program makes through it (each resource registration, output, invoke) in
 * `debuggablePromise` (@pulumi/pulumi/runtime/debuggable.js), which records `new Error().stack` on the promise. The
 * stack is read only to print leaked promises when PULUMI_DEBUG_PROMISE_LEAKS is set; otherwise each capture is
 * formatted for nothing. A tenant's `update` makes about 2,000 of them: a tenth of its tenantctl process's CPU.
 *
 * So, unless PULUMI_DEBUG_PROMISE_LEAKS is set, `lightenPromiseStacks()` wraps the SDK's `debuggablePromise` (when that
 * module first loads) so that it runs with `Error.stackTraceLimit = 0`: the recorded stack is then just "Error" and
 * everything else (the leak detector's bookkeeping, the rejection's `promise` field, the exit check) is the SDK's own
 * code, unchanged. The SDK's modules call it as `debuggable_1.debuggablePromise(...)`, a property read at each call,
 * so replacing the export reaches every caller. test/cli/sdk-promise-stacks.test.ts shows both halves.
 */
import Module from "node:module";
import { SDK_MODULE, type Load } from "./sdk-deferred-deps";

interface DebuggableModule {
  debugPromiseLeaks?: unknown;
  debuggablePromise?: (promise: Promise<unknown>, context: unknown) => Promise<unknown>;
}

/** How the SDK's own modules require it (runtime/*.js and automation/server.js). */
const DEBUGGABLE_REQUEST = /^(\.\/|\.\.\/runtime\/)debuggable$/;
const LIGHTENED = Symbol.for("tenantctl.lightenedPromiseStacks");

let installed = false;

/** Installs the wrapping once per process (a no-op with PULUMI_DEBUG_PROMISE_LEAKS); call before the SDK loads. */
export function lightenPromiseStacks(env: NodeJS.ProcessEnv = process.env): void {
  if (installed || (env.PULUMI_DEBUG_PROMISE_LEAKS ?? "") !== "") return;
  installed = true;
  const internals = Module as unknown as { _load: Load };
  const original = internals._load;
  internals._load = function lighteningLoad(this: unknown, request, parent, isMain) {
    const loaded = original.call(this, request, parent, isMain);
    if (DEBUGGABLE_REQUEST.test(request) && parent != null && SDK_MODULE.test(parent.filename)) {
      lighten(loaded as DebuggableModule);
    }
    return loaded;
  };
}

function lighten(module: DebuggableModule): void {
  const wrapped = module.debuggablePromise;
  if (typeof wrapped !== "function" || module.debugPromiseLeaks === true) return;
  if ((wrapped as unknown as Record<symbol, unknown>)[LIGHTENED] === true) return;
  const light = function debuggablePromise(promise: Promise<unknown>, context: unknown): Promise<unknown> {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return wrapped(promise, context);
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
  Object.defineProperty(light, LIGHTENED, { value: true });
  module.debuggablePromise = light;
}
