import * as crypto from "node:crypto";
import type { OpType } from "@pulumi/pulumi/automation";
import type { ResourceState } from "../backend/state";
import type { SimulatedAws } from "../aws/provider";
import type { EventSink } from "./events";
import type { Faults } from "./faults";
import type { SnapshotManager } from "./snapshot";
import type { Decision, Goal } from "./steps";
import { decide, effectiveInputs, protectedError, stepMetadata } from "./steps";
import type { PropertyMap } from "./values";
import { isObject, secret, unwrap } from "./values";
import { executeStep } from "./execute";
import type { AccountImporter } from "../aws/import-read";
import { importDiffs, importMismatch, importMissing, IMPORT_MISMATCH } from "./import-step";

export interface DeploymentOptions {
  project: string;
  stack: string;
  dryRun: boolean;
  snapshot: SnapshotManager;
  events: EventSink;
  aws: SimulatedAws;
  faults: Faults;
  replaceUrns: Set<string>;
  /** The default AWS provider's `defaultTags` from stack config `aws:defaultTags`. */
  defaultTags?: Record<string, string>;
}

/** A failed step: the gRPC layer answers UNAVAILABLE so the program stops quietly, as with the real engine. */
export class StepFailure extends Error {}

/** One engine run over the program's registrations: picks each step, executes it, records state and events. */
export class Deployment {
  readonly changes: Partial<Record<OpType, number>> = {};
  /** Failed resource operations; any of them fails the update and stops further steps. */
  readonly errors: string[] = [];
  /** Errors the program logged (e.g. an unhandled exception): the update fails, steps already running finish. */
  readonly loggedErrors: string[] = [];
  rootUrn = "";
  /** Set by the first Ctrl-C: no new steps start, running ones finish, state is saved, the lock released. */
  canceled = false;
  /** Reads the account for `import` steps; set by the resource monitor, which knows the backend. */
  importer: AccountImporter | undefined;
  private inflight = 0;
  private readonly idle: (() => void)[] = [];
  private onFailure: () => void = () => undefined;
  /**
   * Resolves at the first failed step. The real CLI does not wait for the program after a failure (its pending
   * outputs may never resolve); it lets running steps finish and ends the operation.
   */
  readonly failure = new Promise<void>((resolve) => {
    this.onFailure = resolve;
  });

  constructor(readonly opts: DeploymentOptions) {}

  /** Waits until no step is executing, so the final checkpoint is written after the last one. */
  async settled(): Promise<void> {
    if (this.inflight === 0) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  get failed(): boolean {
    return this.errors.length > 0;
  }

  cancel(): void {
    this.canceled = true;
    this.onFailure();
  }

  count(op: OpType): void {
    this.changes[op] = (this.changes[op] ?? 0) + 1;
  }

  urnFor(type: string, name: string, parent: string): string {
    let qualified = type;
    if (parent) {
      const parentType = parent.split("::")[2] ?? "";
      if (parentType.split("$").pop() !== "pulumi:pulumi:Stack") qualified = `${parentType}$${type}`;
    }
    return `urn:pulumi:${this.opts.stack}::${this.opts.project}::${qualified}::${name}`;
  }

  /** Default providers are recorded in state like the real engine's, but produce no events or counts. */
  private defaultProvider(type: string, version: string): string {
    const pkg = type.split(":")[0];
    const suffix = version ? `default_${version.replace(/[.-]/g, "_")}` : "default";
    const urn = `urn:pulumi:${this.opts.stack}::${this.opts.project}::pulumi:providers:${pkg}::${suffix}`;
    const existing = this.opts.snapshot.getNew(urn) ?? this.opts.snapshot.olds.get(urn);
    const state: ResourceState = existing ?? {
      urn, custom: true, id: crypto.randomUUID(), type: `pulumi:providers:${pkg}`,
      inputs: version ? { version } : {}, outputs: version ? { version } : {},
    };
    if (!this.opts.snapshot.getNew(urn)) this.opts.snapshot.setNew(state);
    return `${urn}::${state.id}`;
  }

  private defaultTagsFor(provider: string): Record<string, string> | undefined {
    const urn = provider.split("::").slice(0, -1).join("::");
    const p = this.opts.snapshot.getNew(urn);
    if (!p || !urn.includes("::pulumi:providers:aws::") || urn.includes("::default")) return this.opts.defaultTags;
    let dt = unwrap(p.inputs.defaultTags);
    if (typeof dt === "string") dt = JSON.parse(dt) as unknown;
    const tags = isObject(dt) ? dt.tags : undefined;
    return isObject(tags) ? (tags as Record<string, string>) : undefined;
  }

  async register(goal: Goal, version: string): Promise<ResourceState> {
    if (this.canceled) throw new StepFailure("update canceled");
    if (this.failed) throw new StepFailure("update canceled: an earlier resource operation failed");
    const snap = this.opts.snapshot;
    if (snap.isRegistered(goal.urn)) {
      const dup = new Error(`Duplicate resource URN '${goal.urn}'; try giving it a unique name`);
      this.fail(goal.urn, goal.type, "create", undefined, undefined, dup);
      throw new StepFailure(dup.message);
    }
    if (goal.type === "pulumi:pulumi:Stack" && !goal.parent) this.rootUrn = goal.urn;
    const old = snap.olds.get(goal.urn);
    const isProvider = goal.type.startsWith("pulumi:providers:");
    const provider = goal.provider || ((goal.custom || goal.remote) && !isProvider ? this.defaultProvider(goal.type, version) : "");
    if (goal.custom && goal.importId) {
      // Like the engine: an import happens when the state has no such resource (or only a read one); with the
      // same id already in the state, the option is a no-op.
      if (!old || old.external) return this.importStep(goal, goal.importId, provider);
      if (old.id !== goal.importId) {
        const err = new Error(`importing ${goal.importId} over ${goal.urn} (id ${old.id ?? ""}) is not supported by the tenantctl test stand-in`);
        this.fail(goal.urn, goal.type, "import", old, undefined, err);
        throw new StepFailure(err.message);
      }
    }
    let inputs = effectiveInputs(goal, old);
    if (goal.custom) inputs = this.opts.aws.check(goal.type, goal.name, inputs, old?.inputs);
    const decision: Decision = decide(goal, inputs, old, this.opts.replaceUrns.has(goal.urn));
    if (decision.op === "replace" && goal.custom && !decision.deleteBeforeReplace) {
      inputs = this.opts.aws.check(goal.type, goal.name, effectiveInputs(goal, old), undefined);
    }
    const base: ResourceState = {
      urn: goal.urn, custom: goal.custom, type: goal.type, inputs, outputs: {}, parent: goal.parent || undefined,
      protect: goal.protect || undefined, retainOnDelete: goal.retainOnDelete || undefined,
      dependencies: goal.dependencies, propertyDependencies: goal.propertyDependencies, provider: provider || undefined,
      additionalSecretOutputs: goal.additionalSecretOutputs.length > 0 ? goal.additionalSecretOutputs : undefined,
      deletedWith: goal.deletedWith || undefined,
      created: old?.created ?? new Date().toISOString(), modified: new Date().toISOString(),
    };
    const planning = this.opts.dryRun ? { planning: true } : {};
    const pre = { ...base, id: old?.id };
    this.opts.events.emit({ resourcePreEvent: { metadata: stepMetadata(decision.op, goal.urn, goal.type, old, pre, decision.diffs), ...planning } });
    this.inflight++;
    try {
      if (decision.op === "replace" && old?.protect) throw protectedError("replace", goal.urn);
      const result = await executeStep(this, goal, base, old, decision, this.defaultTagsFor(provider));
      const outputs: PropertyMap = { ...result.outputs };
      for (const k of goal.additionalSecretOutputs) if (k in outputs) outputs[k] = secret(unwrap(outputs[k]));
      const state: ResourceState = { ...base, id: goal.custom ? result.id : undefined, outputs };
      snap.setNew(state);
      this.count(decision.op);
      this.opts.events.emit({ resOutputsEvent: { metadata: stepMetadata(decision.op, goal.urn, goal.type, old, state, decision.diffs), ...planning } });
      return state;
    } catch (err) {
      this.fail(goal.urn, goal.type, decision.op, old, pre, err);
      throw new StepFailure((err as Error).message);
    } finally {
      if (--this.inflight === 0) this.idle.splice(0).forEach((resolve) => resolve());
    }
  }

  /**
   * An `import` step: the resource is read from the account by type and id; the program's inputs (auto-name taken
   * from the existing resource) must match it. Changes nothing in AWS; the stack adopts the resource.
   */
  private async importStep(goal: Goal, id: string, provider: string): Promise<ResourceState> {
    if (!this.importer) throw new Error("the stand-in's resource monitor did not set up imports");
    const snap = this.opts.snapshot;
    const now = new Date().toISOString();
    const base: ResourceState = {
      urn: goal.urn, custom: true, id, type: goal.type, inputs: goal.inputs, outputs: {}, parent: goal.parent || undefined,
      protect: goal.protect || undefined, retainOnDelete: goal.retainOnDelete || undefined,
      dependencies: goal.dependencies, propertyDependencies: goal.propertyDependencies, provider: provider || undefined,
      additionalSecretOutputs: goal.additionalSecretOutputs.length > 0 ? goal.additionalSecretOutputs : undefined,
      deletedWith: goal.deletedWith || undefined, created: now, modified: now,
    };
    const planning = this.opts.dryRun ? { planning: true } : {};
    this.opts.events.emit({ resourcePreEvent: { metadata: stepMetadata("import", goal.urn, goal.type, undefined, base), ...planning } });
    this.inflight++;
    try {
      const cloud = this.importer.read(goal.type, id);
      if (!cloud) throw importMissing(id);
      const inputs = this.opts.aws.check(goal.type, goal.name, goal.inputs, cloud.inputs);
      const diffs = importDiffs(goal.type, cloud, inputs);
      if (diffs.length > 0) {
        if (!this.opts.dryRun) throw importMismatch(diffs);
        this.log("warning", `${IMPORT_MISMATCH}; importing this resource will fail (differing properties: ${diffs.join(", ")})`, goal.urn);
      }
      if (!this.opts.dryRun) {
        await this.opts.faults.delay(goal.type);
        this.importer.claim(goal.type, id, goal.urn, `${this.opts.project}/${this.opts.stack}`);
      }
      const outputs: PropertyMap = { ...cloud.outputs };
      for (const k of goal.additionalSecretOutputs) if (k in outputs) outputs[k] = secret(unwrap(outputs[k]));
      const state: ResourceState = { ...base, id: cloud.id, inputs, outputs };
      snap.setNew(state);
      this.count("import");
      this.opts.events.emit({ resOutputsEvent: { metadata: stepMetadata("import", goal.urn, goal.type, undefined, state), ...planning } });
      return state;
    } catch (err) {
      this.fail(goal.urn, goal.type, "import", undefined, base, err);
      throw new StepFailure((err as Error).message);
    } finally {
      if (--this.inflight === 0) this.idle.splice(0).forEach((resolve) => resolve());
    }
  }

  fail(urn: string, type: string, op: OpType, old: ResourceState | undefined, news: ResourceState | undefined, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.errors.push(message);
    this.onFailure();
    const provider = type.startsWith("aws:") ? ": provider=aws@7.48.0" : "";
    this.opts.events.emit({ diagnosticEvent: { urn, message: `${message}${provider}\n`, color: "never", severity: "error" } });
    this.opts.events.emit({ resOpFailedEvent: { metadata: stepMetadata(op, urn, type, old, news), status: 1, steps: 1 } });
  }

  /** `Resource.get`: reads a resource that exists in the account, from any stack, without managing it. */
  async read(type: string, name: string, id: string, parent: string, provider: string): Promise<ResourceState> {
    const urn = this.urnFor(type, name, parent);
    const cloud = this.opts.aws.read(type, id);
    const state: ResourceState = {
      urn, custom: true, external: true, id, type, inputs: {}, outputs: cloud?.outputs ?? {},
      parent: parent || undefined, provider: provider || undefined,
    };
    this.opts.events.emit({ resourcePreEvent: { metadata: stepMetadata("read", urn, type, undefined, state) } });
    if (!cloud) {
      const err = new Error(`reading ${type} (${id}): resource does not exist in the simulated account`);
      this.fail(urn, type, "read", undefined, state, err);
      throw new StepFailure(err.message);
    }
    this.opts.snapshot.setNew(state);
    this.count("read");
    this.opts.events.emit({ resOutputsEvent: { metadata: stepMetadata("read", urn, type, undefined, state) } });
    return state;
  }

  /** Component outputs arrive after registration, through RegisterResourceOutputs. */
  registerOutputs(urn: string, outputs: PropertyMap): void {
    const state = this.opts.snapshot.getNew(urn);
    if (!state) throw new Error(`unknown resource ${urn}`);
    this.opts.snapshot.setNew({ ...state, outputs });
  }

  log(severity: "debug" | "info" | "warning" | "error", message: string, urn: string): void {
    if (severity === "debug") return;
    if (severity === "error") this.loggedErrors.push(message);
    this.opts.events.emit({ diagnosticEvent: { ...(urn ? { urn } : {}), message: `${message}\n`, color: "never", severity } });
  }
}
