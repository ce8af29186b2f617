import { trackGrpc } from "../command-state";
import * as callbackGrpc from "@pulumi/pulumi/proto/callback_grpc_pb";
import * as callback from "@pulumi/pulumi/proto/callback_pb";
import type { ResourceState } from "../backend/state";
import { protos } from "./grpc";
import type { PropertyMap } from "./values";

/** Which hooks a resource binds, by hook point (RegisterResourceRequest.ResourceHooksBinding). */
export interface HookBinding {
  beforeCreate?: string[];
  afterCreate?: string[];
  beforeUpdate?: string[];
  afterUpdate?: string[];
  beforeDelete?: string[];
  afterDelete?: string[];
}

export type HookPoint = keyof HookBinding;

interface RegisteredHook {
  target: string;
  token: string;
  onDryRun: boolean;
  ignoreErrors: boolean;
}

/** The step a hook point belongs to, for messages: `beforeCreate` → `before create`. */
const label = (point: HookPoint): string => point.replace(/([A-Z])/g, " $1").toLowerCase();

/**
 * Resource hooks (RegisterResourceHook) called back over the SDK's Callbacks service, as the engine does: before
 * hooks run before the step and a failing one fails it (unless registered with `ignoreErrors`); after hooks run
 * once the step succeeded and a failure is reported as a warning. In previews only hooks with `onDryRun` run.
 * Delete hooks need the hook registered by this run's program (a `destroy` without `--run-program` has none): the
 * stand-in then warns that the hook was skipped.
 */
export class HookRegistry {
  private readonly hooks = new Map<string, RegisteredHook>();
  private readonly clients = new Map<string, callbackGrpc.CallbacksClient>();

  get registered(): boolean {
    return this.hooks.size > 0;
  }

  register(name: string, target: string, token: string, onDryRun: boolean, ignoreErrors: boolean): void {
    this.hooks.set(name, { target, token, onDryRun, ignoreErrors });
  }

  private client(target: string): callbackGrpc.CallbacksClient {
    let c = this.clients.get(target);
    if (!c) {
      c = trackGrpc(new callbackGrpc.CallbacksClient(target, protos().grpc.credentials.createInsecure()));
      this.clients.set(target, c);
    }
    return c;
  }

  /**
   * Runs the hooks bound at `point`. Resolves with the warnings to log; rejects with the error that fails the step.
   */
  async run(
    point: HookPoint,
    binding: HookBinding | undefined,
    dryRun: boolean,
    r: { urn: string; type: string; id?: string },
    props: { newInputs?: PropertyMap; oldInputs?: PropertyMap; newOutputs?: PropertyMap; oldOutputs?: PropertyMap },
  ): Promise<string[]> {
    const warnings: string[] = [];
    for (const name of binding?.[point] ?? []) {
      const hook = this.hooks.get(name);
      if (!hook) {
        warnings.push(
          `${label(point)} hook "${name}" was not run: no program registered it in this operation (use --run-program)`,
        );
        continue;
      }
      if (dryRun && !hook.onDryRun) continue;
      const error = await this.invoke(hook, r, props);
      if (!error) continue;
      const message = `${label(point)} hook "${name}" failed: ${error}`;
      if (point.startsWith("before") && !hook.ignoreErrors) throw new Error(message);
      warnings.push(message);
    }
    return warnings;
  }

  private invoke(
    hook: RegisteredHook,
    r: { urn: string; type: string; id?: string },
    props: { newInputs?: PropertyMap; oldInputs?: PropertyMap; newOutputs?: PropertyMap; oldOutputs?: PropertyMap },
  ): Promise<string | undefined> {
    const p = protos();
    const struct = (m: PropertyMap | undefined) =>
      m === undefined
        ? undefined
        : p.Struct.fromJavaScript(JSON.parse(JSON.stringify(m)) as Parameters<typeof p.Struct.fromJavaScript>[0]);
    const req = new p.resource.ResourceHookRequest();
    req.setUrn(r.urn);
    req.setId(r.id ?? "");
    req.setName(r.urn.split("::").pop() ?? "");
    req.setType(r.type);
    req.setNewInputs(struct(props.newInputs));
    req.setOldInputs(struct(props.oldInputs));
    req.setNewOutputs(struct(props.newOutputs));
    req.setOldOutputs(struct(props.oldOutputs));
    const call = new callback.CallbackInvokeRequest();
    call.setToken(hook.token);
    call.setRequest(req.serializeBinary());
    return new Promise((resolve) => {
      this.client(hook.target).invoke(call, (err, res) => {
        if (err) resolve(err.details || err.message);
        else resolve(p.resource.ResourceHookResponse.deserializeBinary(res.getResponse_asU8()).getError() || undefined);
      });
    });
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}

/** The binding a resource carries in state, so its delete hooks are known when the program no longer declares it. */
export function hooksOf(r: ResourceState): HookBinding | undefined {
  return (r as ResourceState & { resourceHooks?: HookBinding }).resourceHooks;
}
