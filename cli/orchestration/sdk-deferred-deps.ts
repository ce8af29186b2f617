/**
 * Loading `@pulumi/pulumi` (or `@pulumi/pulumi/automation`, which loads it) eagerly requires two big packages that only
 * its closure serialization uses (`runtime.serializeFunction`, `runtime.computeCodePaths`: Lambda callbacks and
 * dynamic providers, which tenantctl's programs do not have):
 * - `typescript` (9 MB), required at the top of @pulumi/pulumi/typescript-shim.js, itself required at the top of
 *   runtime/closure/parseFunction.js and provider/experimental/analyzer.js (and inside functions of utils.js,
 *   rewriteSuper.js and tsutils.js);
 * - `@npmcli/arborist` (~600 modules with its dependencies), `__importStar(require(...))` at the top of
 *   runtime/closure/codePaths.js and used only as `new arborist.Arborist(...)` inside computeCodePaths.
 * Measured on the 2-core dev machine (Node 20, SDK 3.248.0): `require("@pulumi/pulumi/automation")` takes ~0.92 CPU-s
 * and 1,117 modules; with these two deferred, ~0.37 CPU-s and 332 modules. Every tenantctl process that runs the engine
 * pays it once (each provision, status, fleet worker...).
 *
 * So, before the SDK first loads, `deferSdkClosureDependencies()` makes a require of exactly those two names, from a
 * module inside @pulumi/pulumi only, answer a stand-in that loads the real module on first use (a property read, `in`,
 * key listing, a call or `new`). It changes nothing when the real module is already loaded (the real one is returned)
 * or cannot be resolved (the require throws as before, so typescript-shim.js still falls back to its vendored copy).
 * test/cli/sdk-deferred-deps.test.ts checks both halves: the modules stay unloaded, and the SDK's closure
 * serialization still works through the stand-ins.
 */
import Module from "node:module";

/** Node's `Module._load` (the hooks here and in sdk-promise-stacks.ts wrap it). */
export type Load = (request: string, parent: NodeModule | null | undefined, isMain: boolean) => unknown;

interface ModuleInternals {
  _load: Load;
  _resolveFilename(request: string, parent: NodeModule | null | undefined, isMain: boolean): string;
  _cache: Record<string, NodeModule | undefined>;
}

/** The deferred names, and the kind of value each exports (arborist's module is its Arborist class). */
const DEFERRED: ReadonlyMap<string, "object" | "function"> = new Map([
  ["typescript", "object"],
  ["@npmcli/arborist", "function"],
]);

/** A module of the Pulumi SDK itself (not @pulumi/aws or any other package). */
export const SDK_MODULE = /[\\/]node_modules[\\/]@pulumi[\\/]pulumi[\\/]/;

let installed = false;

/** Installs the deferral once per process; later calls do nothing. Call it before `@pulumi/pulumi` first loads. */
export function deferSdkClosureDependencies(): void {
  if (installed) return;
  installed = true;
  const internals = Module as unknown as ModuleInternals;
  const original = internals._load;
  const standIns = new Map<string, object>();
  internals._load = function deferringLoad(this: unknown, request, parent, isMain) {
    const kind = DEFERRED.get(request);
    if (kind !== undefined && parent !== null && parent !== undefined && SDK_MODULE.test(parent.filename)) {
      let filename: string | undefined;
      try {
        filename = internals._resolveFilename(request, parent, isMain);
      } catch {
        filename = undefined; // not installed: let the real require throw, as the SDK expects
      }
      if (filename !== undefined && internals._cache[filename] === undefined) {
        let standIn = standIns.get(filename);
        if (standIn === undefined) {
          standIn = deferredModule(kind, () => original.call(this, request, parent, isMain) as object);
          standIns.set(filename, standIn);
        }
        return standIn;
      }
    }
    return original.call(this, request, parent, isMain);
  };
}

/**
 * A stand-in for a CommonJS module that loads it on first use and then behaves as it. It also answers what the
 * TypeScript interop helpers ask: `__esModule` is true without loading (so `__importStar` returns the stand-in itself
 * instead of listing its keys at once), and `default` is the module when it has none of its own (what `__importStar`
 * and `__importDefault` would have given).
 */
function deferredModule(kind: "object" | "function", load: () => object): object {
  let real: object | undefined;
  const module = (): object => (real ??= load());
  const synthetic = (key: string | symbol): { value: unknown } | undefined => {
    if (key === "__esModule") return { value: true };
    if (key === "default" && !Reflect.has(module(), "default")) return { value: module() };
    return undefined;
  };
  // The target only gives the stand-in its type: a bound function (callable and constructible, with no own
  // `prototype`) for a module that exports a function, a plain object otherwise. Its own keys are removed so that
  // every property the stand-in reports comes from the real module.
  let target: object = {};
  if (kind === "function") {
    const fn = function placeholder() {}.bind(null);
    Reflect.deleteProperty(fn, "name");
    Reflect.deleteProperty(fn, "length");
    target = fn;
  }
  const standIn: object = new Proxy(target, {
    get: (_target, key) => {
      const made = synthetic(key);
      return made === undefined ? Reflect.get(module(), key) : made.value;
    },
    has: (_target, key) => synthetic(key) !== undefined || Reflect.has(module(), key),
    ownKeys: () => {
      const keys = Reflect.ownKeys(module());
      for (const key of ["__esModule", "default"]) {
        if (!keys.includes(key) && synthetic(key) !== undefined) keys.push(key);
      }
      return keys;
    },
    getOwnPropertyDescriptor: (own, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(module(), key);
      if (descriptor === undefined) {
        const made = synthetic(key);
        if (made === undefined) return undefined;
        return { value: made.value, writable: false, enumerable: false, configurable: true };
      }
      // A proxy may report a property non-configurable only if its target has it so (typescript's exports are
      // non-configurable getters): copy such a property onto the target first.
      if (descriptor.configurable !== true && Reflect.getOwnPropertyDescriptor(own, key) === undefined) {
        Reflect.defineProperty(own, key, descriptor);
      }
      return descriptor;
    },
    set: (_target, key, value) => Reflect.set(module(), key, value),
    defineProperty: (_target, key, descriptor) => Reflect.defineProperty(module(), key, descriptor),
    deleteProperty: (_target, key) => Reflect.deleteProperty(module(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(module()),
    apply: (_target, thisArg, args) => Reflect.apply(module() as (...a: unknown[]) => unknown, thisArg, args),
    construct: (_target, args, newTarget) => {
      const real = module() as new (...a: unknown[]) => object;
      return Reflect.construct(real, args, newTarget === standIn ? real : newTarget);
    },
  });
  return standIn;
}
