import type { sendUnaryData, ServerErrorResponse, ServerUnaryCall } from "@grpc/grpc-js";
import type { IEngineServer } from "@pulumi/pulumi/proto/engine_grpc_pb";
import type { IResourceMonitorServer } from "@pulumi/pulumi/proto/resource_grpc_pb";
import { invoke } from "../aws/invokes";
import { Deployment, StepFailure } from "./deployment";
import { protos } from "./grpc";
import type { Goal } from "./steps";
import type { PropertyMap } from "./values";
import { trace } from "../trace";

type JsObject = Parameters<ReturnType<typeof protos>["Struct"]["fromJavaScript"]>[0];

/** Features the SDK asks about; answered so the SDK sends plain values, secrets and dependency lists. */
const FEATURES: Record<string, boolean> = { secrets: true, deletedWith: true, aliasSpecs: true };

function grpcError(err: unknown): ServerErrorResponse {
  const p = protos();
  const message = err instanceof Error ? err.message : String(err);
  // UNAVAILABLE makes the SDK stop the program without reporting the error a second time.
  const code = err instanceof StepFailure ? p.grpc.status.UNAVAILABLE : p.grpc.status.UNKNOWN;
  return Object.assign(new Error(message), { code, details: message });
}

function unary<Req, Res>(fn: (req: Req) => Promise<Res> | Res) {
  return (call: ServerUnaryCall<Req, Res>, cb: sendUnaryData<Res>): void => {
    trace(`rpc ${call.getPath()}`);
    Promise.resolve()
      .then(() => fn(call.request))
      .then(
        (res) => cb(null, res),
        (err: unknown) => {
          trace(`rpc ${call.getPath()} failed: ${err instanceof Error ? err.message : String(err)}`);
          cb(grpcError(err));
        },
      );
  };
}

const toStruct = (m: PropertyMap) => protos().Struct.fromJavaScript(m as JsObject);

/** The ResourceMonitor service the language host's program talks to. */
export function resourceMonitor(d: Deployment, backendRoot: string): IResourceMonitorServer {
  const p = protos();
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
      if (req.getImportid()) throw new Error("importing resources (import id) is not supported by the tenantctl test stand-in");
      const goal: Goal = {
        urn: d.urnFor(req.getType(), req.getName(), parent),
        type: req.getType(), name: req.getName(), custom: req.getCustom(), remote: req.getRemote(), parent,
        inputs: (req.getObject()?.toJavaScript() ?? {}) as PropertyMap,
        protect: req.hasProtect() ? (req.getProtect() ?? false) : false,
        retainOnDelete: req.hasRetainondelete() ? (req.getRetainondelete() ?? false) : false,
        deleteBeforeReplace: req.getDeletebeforereplace(),
        ignoreChanges: req.getIgnorechangesList(), replaceOnChanges: req.getReplaceonchangesList(),
        dependencies: req.getDependenciesList(), propertyDependencies, provider: req.getProvider(),
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(), deletedWith: req.getDeletedwith(),
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
    signalAndWaitForShutdown: unary(() => new p.Empty()),
    getDeploymentInfo: unary(() => {
      throw Object.assign(new Error("GetDeploymentInfo is not implemented"), { code: p.grpc.status.UNIMPLEMENTED });
    }),
    registerStackTransform: unary(() => {
      throw new Error("stack transforms are not supported by the tenantctl test stand-in");
    }),
    registerStackInvokeTransform: unary(() => {
      throw new Error("invoke transforms are not supported by the tenantctl test stand-in");
    }),
    registerResourceHook: unary(() => {
      throw new Error("resource hooks are not supported by the tenantctl test stand-in");
    }),
    registerErrorHook: unary(() => {
      throw new Error("error hooks are not supported by the tenantctl test stand-in");
    }),
  };
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
    startDebugging: unary(() => {
      throw new Error("debugging is not supported by the tenantctl test stand-in");
    }),
    requirePulumiVersion: unary(() => new p.engine.RequirePulumiVersionResponse()),
  };
}
