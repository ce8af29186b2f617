import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import {
  checkAccount,
  checkBehaviour,
  checkResource,
  effectiveTags,
  physicalName,
  simulateInvoke,
  simulateOutputs,
  type SimContext,
  type Violation,
} from "./aws-model";
import {
  drainRuntime,
  installMockMonitor,
  installRecordingEngine,
  loggedErrorCount,
  withCheapStackTraces,
  withIsolatedRuntime,
  byUrn,
  mockUrn,
  providerDefaultTags,
  unwrapSecrets,
  type Diagnostic,
} from "./synth-runtime";

export type { Diagnostic };

export interface SynthResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** URN of the parent resource; `undefined` only for the root stack. */
  readonly parent: string | undefined;
  readonly id: string | undefined;
  readonly custom: boolean;
  /** A multi-language component (awsx): opaque under mocks, its outputs come from the model. */
  readonly remote: boolean;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  /** URNs the engine would create first: explicit `dependsOn` (components expanded to their resources) and inputs. */
  readonly dependencies: readonly string[];
  /** Explicit provider reference (`urn::id`), empty for the default provider. */
  readonly provider: string;
  readonly physicalName: string | undefined;
  readonly inputs: Record<string, unknown>;
  /** Top-level input keys that were Pulumi secrets (encrypted in real state). */
  readonly secretInputs: readonly string[];
  /** Tags AWS would hold: provider default tags under the resource's own (only for resources with tags). */
  readonly effectiveTags: Record<string, unknown> | undefined;
  readonly outputs: Record<string, unknown>;
}

export interface SynthOptions {
  readonly project: string;
  readonly stack: string;
  readonly ctx: Pick<SimContext, "region" | "accountId">;
  /** Stack config as `pulumi config` holds it (`aws:region`, `<project>:key`); `aws:region` defaults to ctx.region. */
  readonly config?: Readonly<Record<string, string>>;
  /** Run as `pulumi preview` would (`pulumi.runtime.isDryRun()` true). */
  readonly preview?: boolean;
  /** Keep JavaScript stack traces during the run (slower, ~10x under jest); for debugging a failing program. */
  readonly stackTraces?: boolean;
}

export interface SynthResult {
  /** Every registered resource in URN order (root stack and components included). */
  readonly resources: SynthResource[];
  readonly outputs: Record<string, unknown>;
  readonly violations: Violation[];
  /** Invoke tokens the program called, sorted: the data sources a real run needs. */
  readonly invokes: string[];
  /** What the program and the SDK logged (`pulumi.log.*`, SDK warnings), in order. */
  readonly diagnostics: Diagnostic[];
}

/** A program failed under simulation; `causes` holds every error the run produced. */
export class SynthesisError extends Error {
  constructor(
    readonly stackName: string,
    readonly causes: readonly unknown[],
  ) {
    super(`synthesize ${stackName}: ${causes.map((c) => (c instanceof Error ? c.message : String(c))).join("; ")}`);
    this.name = "SynthesisError";
  }
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProtect(): boolean;
  getRemote(): boolean;
  getRetainondelete(): boolean;
  getDependenciesList(): string[];
}

/**
 * The SDK's mock monitor hands `newResource` no parent, protect flag or remote flag. It calls `newResource`
 * synchronously from `registerResource`, so the request is parked here for exactly that call.
 */
class RecordingMonitor extends MockMonitor {
  pending: RegisterRequest | undefined;

  override registerResource(req: RegisterRequest, callback: (err: unknown, response: unknown) => void): Promise<void> {
    this.pending = req;
    return super.registerResource(req, callback);
  }

  /** `Resource.get(...)` reads an existing resource: never protected, never a component. */
  override readResource(
    req: Pick<RegisterRequest, "getType" | "getName" | "getParent">,
    callback: (err: unknown, response: unknown) => void,
  ): Promise<void> {
    const no = (): boolean => false;
    this.pending = {
      getType: () => req.getType(),
      getName: () => req.getName(),
      getParent: () => req.getParent(),
      getProtect: no,
      getRemote: no,
      getRetainondelete: no,
      getDependenciesList: () => [],
    };
    return super.readResource(req, callback);
  }
}

/**
 * Runs an inline Pulumi program in-process against the simulated AWS account and returns what it would create.
 * Each call has its own runtime state, so it can be called any number of times in one process.
 */
export function synthesize(
  program: () => Promise<Record<string, unknown> | void> | Record<string, unknown> | void,
  options: SynthOptions,
): Promise<SynthResult> {
  const isolated = (): Promise<SynthResult> => withIsolatedRuntime(() => run(program, options));
  return options.stackTraces === true ? isolated() : withCheapStackTraces(isolated);
}

async function run(program: () => unknown, options: SynthOptions): Promise<SynthResult> {
  const ctx: SimContext = { ...options.ctx, project: options.project, stack: options.stack };
  const records: SynthResource[] = [];
  const providers = new Map<string, Record<string, string> | undefined>();
  const invokes = new Set<string>();
  const errors: unknown[] = [];
  const config: Record<string, string> = { "aws:region": ctx.region, ...(options.config ?? {}) };
  const defaultProviderTags = providerDefaultTags({ defaultTags: config["aws:defaultTags"] });
  // A provider reference is `<urn>::<id>`; resources without one use the default provider, configured from stack config.
  const tagsOfProvider = (ref: string): Record<string, string> | undefined =>
    ref === "" ? defaultProviderTags : providers.get(ref.slice(0, ref.lastIndexOf("::")));

  const monitor: RecordingMonitor = new RecordingMonitor({
    newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
      const req = monitor.pending;
      monitor.pending = undefined;
      try {
        if (req === undefined || req.getType() !== args.type || req.getName() !== args.name) {
          throw new Error(
            `infra/sim: registration of ${args.type} ${args.name} arrived without its request; the SDK's MockMonitor changed`,
          );
        }
        const urn = mockUrn(ctx.project, ctx.stack, req.getParent(), args.type, args.name);
        const { plain, secretKeys } = unwrapSecrets(args.inputs);
        const isResource = args.custom === true || req.getRemote();
        const defaultTags = tagsOfProvider(args.provider ?? "");
        const name = isResource ? physicalName(args.type, args.name, plain, urn) : undefined;
        const simulated = isResource
          ? simulateOutputs(args.type, args.name, plain, ctx, { seed: urn, defaultTags })
          : { id: undefined, outputs: {} };
        // A read (`.get`) or an import names the AWS id itself.
        const sim = args.id !== undefined && args.id !== "" ? { ...simulated, id: args.id } : simulated;
        if (args.type.startsWith("pulumi:providers:")) providers.set(urn, providerDefaultTags(plain));
        const tagged = plain["tags"] !== undefined || (defaultTags !== undefined && args.type.startsWith("aws:"));
        records.push({
          type: args.type,
          name: args.name,
          urn,
          parent: req.getParent() === "" ? undefined : req.getParent(),
          id: sim.id,
          custom: args.custom === true,
          remote: req.getRemote(),
          protect: req.getProtect(),
          retainOnDelete: req.getRetainondelete(),
          dependencies: [...req.getDependenciesList()].sort(),
          provider: args.provider ?? "",
          physicalName: name,
          inputs: plain,
          secretInputs: secretKeys,
          effectiveTags: tagged ? effectiveTags(plain, defaultTags) : undefined,
          outputs: sim.outputs,
        });
        return { id: sim.id, state: sim.outputs };
      } catch (err) {
        // Rejecting here would leave unawaited rejected outputs inside the SDK (process-killing unhandled
        // rejections); the run continues and fails as a whole below, with every cause listed.
        errors.push(err);
        return { id: undefined, state: {} };
      }
    },
    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
      invokes.add(args.token);
      try {
        return simulateInvoke(args.token, unwrapSecrets(args.inputs).plain, ctx);
      } catch (err) {
        errors.push(err);
        return {};
      }
    },
  });

  const diagnostics: Diagnostic[] = [];
  installMockMonitor(monitor, ctx.project, ctx.stack, options.preview ?? false);
  installRecordingEngine(diagnostics);
  pulumi.runtime.setAllConfig(config);
  let outputs: Record<string, unknown> = {};
  try {
    // The program's own exception is caught inside the stack, for the same reason as in newResource above.
    const guarded = async (): Promise<unknown> => {
      try {
        return (await program()) ?? undefined;
      } catch (err) {
        errors.push(err);
        return undefined;
      }
    };
    outputs = ((await pulumi.runtime.runInPulumiStack(guarded)) ?? {}) as Record<string, unknown>;
  } catch (err) {
    errors.push(err);
  }
  await drainRuntime();
  if (loggedErrorCount() > 0) {
    const logged = diagnostics.filter((d) => d.severity === "error").map((d) => d.message);
    errors.push(new Error(`the program logged ${loggedErrorCount()} error(s): ${logged.join(" | ")}`));
  }
  if (errors.length > 0) throw new SynthesisError(ctx.stack, [...new Set(errors)]);

  records.sort(byUrn);
  const violations = records
    .filter((r) => r.custom || r.remote)
    .flatMap((r) =>
      checkResource(r.type, r.name, r.inputs, r.physicalName, { defaultTags: tagsOfProvider(r.provider) }),
    );
  violations.push(...checkAccount(records.filter((r) => r.custom).map((r) => ({ ...r, stack: ctx.stack }))));
  violations.push(...checkBehaviour(records.filter((r) => r.custom)));
  return { resources: records, outputs, violations, invokes: [...invokes].sort(), diagnostics };
}
