import { resetWithEachCommand } from "../command-state";
import type { sendUnaryData, ServerErrorResponse, ServerUnaryCall } from "@grpc/grpc-js";
import type { IEngineServer } from "@pulumi/pulumi/proto/engine_grpc_pb";
import type { IResourceMonitorServer } from "@pulumi/pulumi/proto/resource_grpc_pb";
import { accountImporter } from "../aws/import-read";
import { invoke } from "../aws/invokes";
import { Deployment, StepFailure } from "./deployment";
import { protos } from "./grpc";
import type { HookBinding } from "./hooks";
import type { Goal } from "./steps";
import type { PropertyMap } from "./values";
import { trace } from "../errors";

type JsObject = Parameters<ReturnType<typeof protos>["Struct"]["fromJavaScript"]>[0];

/** Features the SDK asks about; answered so the SDK sends plain values, secrets and dependency lists. */
const FEATURES: Record<string, boolean> = { secrets: true, deletedWith: true, aliasSpecs: true, resourceHooks: true };

function grpcError(err: unknown): ServerErrorResponse {
  const p = protos();
  const message = err instanceof Error ? err.message : String(err);
  // UNAVAILABLE makes the SDK stop the program without reporting the error a second time.
  const code = err instanceof StepFailure ? p.grpc.status.UNAVAILABLE : p.grpc.status.UNKNOWN;
  return Object.assign(new Error(message), { code, details: message });
}

/**
 * Tracks calls in flight so the servers can stop without cancelling one: a cancelled call surfaces in the program
 * as an error, while UNAVAILABLE (what a closed server gives) makes the SDK stop quietly, as the real engine expects.
 */
export class RpcGate {
  private inflight = 0;
  private parked = 0;
  private lastArrival = Date.now();
  private closing = false;
  private readonly waiters: (() => void)[] = [];

  enter(): boolean {
    if (this.closing) return false;
    this.inflight++;
    this.lastArrival = Date.now();
    return true;
  }

  /**
   * Holds a failure answer until the program has gone quiet. On UNAVAILABLE the SDK closes its monitor client, which
   * cancels every call still open; the real engine's failures come after slow cloud calls, when the program's other
   * quick calls (stack outputs) have long been answered, so this keeps that ordering.
   */
  async quiet(): Promise<void> {
    this.parked++;
    try {
      while (this.inflight - this.parked > 0 || Date.now() - this.lastArrival < QUIET_MS) {
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      this.parked--;
    }
  }

  leave(): void {
    if (--this.inflight === 0) this.waiters.splice(0).forEach((w) => w());
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.inflight > 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
}

const QUIET_MS = 150;
let gate = new RpcGate();
resetWithEachCommand(() => {
  gate = new RpcGate();
});

function unary<Req, Res>(fn: (req: Req) => Promise<Res> | Res) {
  return (call: ServerUnaryCall<Req, Res>, cb: sendUnaryData<Res>): void => {
    trace(`rpc ${call.getPath()}`);
    if (!gate.enter()) {
      cb(grpcError(new StepFailure("the engine is shutting down")));
      return;
    }
    Promise.resolve()
      .then(() => fn(call.request))
      .then(
        (res) => cb(null, res),
        async (err: unknown) => {
          trace(`rpc ${call.getPath()} failed: ${err instanceof Error ? err.message : String(err)}`);
          if (err instanceof StepFailure) await gate.quiet();
          cb(grpcError(err));
        },
      )
      .finally(() => gate.leave());
  };
}

/** A fresh gate for the servers of one program run. */
export function newRpcGate(): RpcGate {
  gate = new RpcGate();
  return gate;
}

/** Struct rejects `undefined`; a JSON round trip drops such keys as the real engine's property maps would. */
const toStruct = (m: PropertyMap) => protos().Struct.fromJavaScript(JSON.parse(JSON.stringify(m)) as JsObject);

/** The ResourceMonitor service the language host's program talks to. */
export function resourceMonitor(d: Deployment, backendRoot: string): IResourceMonitorServer {
  const p = protos();
  d.importer ??= accountImporter(backendRoot);
  return {
    supportsFeature: unary((req) => {
      const res = new p.resource.SupportsFeatureResponse();
      res.setHassupport(FEATURES[req.getId()] ?? false);
      return res;
    }),
    registerResource: unary(async (req) => {
      const parent = req.getParent();
      const propertyDependencies: Record<string, string[]> = {};
      req.getPropertydependenciesMap().forEach((deps, key) => {
        propertyDependencies[key] = deps.getUrnsList();
      });
      const goal: Goal = {
        urn: d.urnFor(req.getType(), req.getName(), parent),
        type: req.getType(),
        name: req.getName(),
        custom: req.getCustom(),
        remote: req.getRemote(),
        parent,
        inputs: (req.getObject()?.toJavaScript() ?? {}) as PropertyMap,
        protect: req.hasProtect() ? (req.getProtect() ?? false) : false,
        retainOnDelete: req.hasRetainondelete() ? (req.getRetainondelete() ?? false) : false,
        deleteBeforeReplace: req.getDeletebeforereplace(),
        ignoreChanges: req.getIgnorechangesList(),
        replaceOnChanges: req.getReplaceonchangesList(),
        dependencies: req.getDependenciesList(),
        propertyDependencies,
        provider: req.getProvider(),
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        deletedWith: req.getDeletedwith(),
        importId: req.getImportid(),
        hooks: hookBinding(req.getHooks()),
      };
      const state = await d.register(goal, req.getVersion());
      const res = new p.resource.RegisterResourceResponse();
      res.setUrn(state.urn);
      res.setId(state.id ?? "");
      res.setObject(toStruct(state.outputs));
      return res;
    }),
    registerResourceOutputs: unary((req) => {
      d.registerOutputs(req.getUrn(), (req.getOutputs()?.toJavaScript() ?? {}) as PropertyMap);
      return new p.Empty();
    }),
    readResource: unary(async (req) => {
      const state = await d.read(req.getType(), req.getName(), req.getId(), req.getParent(), req.getProvider());
      const res = new p.resource.ReadResourceResponse();
      res.setUrn(state.urn);
      res.setProperties(toStruct(state.outputs));
      return res;
    }),
    invoke: unary((req) => {
      const args = (req.getArgs()?.toJavaScript() ?? {}) as PropertyMap;
      let result: PropertyMap;
      try {
        result = invoke(req.getTok(), args, d.opts.aws.ctx, backendRoot);
      } catch (err) {
        throw new Error(`invocation of ${req.getTok()} returned an error: ${(err as Error).message}`);
      }
      const res = new p.provider.InvokeResponse();
      res.setReturn(toStruct(result));
      return res;
    }),
    call: unary(() => {
      throw new Error("method calls on components (Call) are not supported by the tenantctl test stand-in");
    }),
    registerPackage: unary(() => {
      const res = new p.resource.RegisterPackageResponse();
      res.setRef(`standin-${Math.random().toString(16).slice(2)}`);
      return res;
    }),
    signalAndWaitForShutdown: unary(async () => {
      // Only a program with hooks needs to be kept waiting (its callbacks server must outlive the deletes); any
      // other is released at once, and the deletes run after it as before.
      if (d.hooks.registered) {
        const work = d.onShutdown;
        d.onShutdown = undefined;
        await work?.();
      }
      return new p.Empty();
    }),
    getDeploymentInfo: unary(() => {
      throw Object.assign(new Error("GetDeploymentInfo is not implemented"), { code: p.grpc.status.UNIMPLEMENTED });
    }),
    registerStackTransform: unary(() => {
      throw new Error("stack transforms are not supported by the tenantctl test stand-in");
    }),
    registerStackInvokeTransform: unary(() => {
      throw new Error("invoke transforms are not supported by the tenantctl test stand-in");
    }),
    registerResourceHook: unary((req) => {
      const cb = req.getCallback();
      d.hooks.register(
        req.getName(),
        cb?.getTarget() ?? "",
        cb?.getToken() ?? "",
        req.getOnDryRun(),
        req.getIgnoreErrors(),
      );
      return new p.Empty();
    }),
    registerErrorHook: unary(() => {
      throw new Error("error hooks are not supported by the tenantctl test stand-in");
    }),
  };
}

type Binding = ReturnType<InstanceType<ReturnType<typeof protos>["resource"]["RegisterResourceRequest"]>["getHooks"]>;

function hookBinding(b: Binding): HookBinding | undefined {
  if (!b) return undefined;
  const out: HookBinding = {
    beforeCreate: b.getBeforeCreateList(),
    afterCreate: b.getAfterCreateList(),
    beforeUpdate: b.getBeforeUpdateList(),
    afterUpdate: b.getAfterUpdateList(),
    beforeDelete: b.getBeforeDeleteList(),
    afterDelete: b.getAfterDeleteList(),
  };
  const used = Object.fromEntries(Object.entries(out).filter(([, v]) => (v as string[]).length > 0)) as HookBinding;
  return Object.keys(used).length > 0 ? used : undefined;
}

const SEVERITY = ["debug", "info", "warning", "error"] as const;

/** The Engine service: logging and the root (stack) resource. */
export function engineService(d: Deployment): IEngineServer {
  const p = protos();
  return {
    log: unary((req) => {
      d.log(SEVERITY[req.getSeverity()] ?? "info", req.getMessage(), req.getUrn());
      return new p.Empty();
    }),
    getRootResource: unary(() => {
      const res = new p.engine.GetRootResourceResponse();
      res.setUrn(d.rootUrn);
      return res;
    }),
    setRootResource: unary((req) => {
      d.rootUrn = req.getUrn();
      return new p.engine.SetRootResourceResponse();
    }),
    // The language host started the program under a debugger: the engine passes its launch configuration on as a
    // StartDebuggingEvent, which the SDK's onEvent and IDEs read to attach.
    startDebugging: unary((req) => {
      d.opts.events.emit({
        startDebuggingEvent: { config: (req.getConfig()?.toJavaScript() ?? {}) as Record<string, unknown> },
      });
      return new p.Empty();
    }),
    requirePulumiVersion: unary(() => new p.engine.RequirePulumiVersionResponse()),
  };
}
