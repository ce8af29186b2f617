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
import { HookRegistry } from "./hooks";
import type { HookPoint } from "./hooks";
import type { Plan, PlanRecorder } from "./plan";
import type { UrnFilter } from "./targets";
import { dependenciesOf } from "./targets";
import type { PolicyPacks } from "./policy-packs";
import { effectiveLevel, policyEvent } from "./policy-report";

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
  /** `--target`/`--exclude`: resources outside it keep their old state (or are not created). */
  filter?: UrnFilter;
  /**
   * `refresh`/`destroy --run-program`: the program runs for its side of the protocol only; every registration is
   * answered from the state (no steps), as the real engine uses the program there only to learn providers.
   */
  programOnly?: boolean;
  /** `up --plan`: every step is checked against the saved plan. */
  plan?: Plan;
  /** `preview --save-plan`: every step is recorded. */
  planRecorder?: PlanRecorder;
  /**
   * `--continue-on-error`: a failed step does not stop the others; resources that depend on a failed one are not
   * touched, and the operation fails at the end.
   */
  continueOnError?: boolean;
  /** `--policy-pack`: every registration is analyzed before its step. */
  policies?: PolicyPacks;
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
  /** Mandatory policy violations: a preview goes on and fails at the end; an update stops at the first. */
  mandatoryViolations = 0;
  /** Set by the first Ctrl-C: no new steps start, running ones finish, state is saved, the lock released. */
  canceled = false;
  /** Reads the account for `import` steps; set by the resource monitor, which knows the backend. */
  importer: AccountImporter | undefined;
  /** Resource hooks the program registered in this run. */
  hooks = new HookRegistry();
  /**
   * Work the engine does while the program waits in SignalAndWaitForShutdown: the deletes, so the program's
   * callbacks (delete hooks) are still being served, as the real engine does.
   */
  onShutdown: (() => Promise<void>) | undefined;
  private inflight = 0;
  /** Verdicts of `opts.filter` so far, for `--target-dependents`/`--exclude-dependents`. */
  private readonly allowedUrns = new Set<string>();
  private readonly deniedUrns = new Set<string>();
  /** Resources whose step failed, and (with --continue-on-error) those skipped because they depend on one. */
  private readonly failedUrns = new Set<string>();
  /** Creates skipped by `--target`/`--exclude`. */
  private readonly skipped = new Set<string>();
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
      urn,
      custom: true,
      id: crypto.randomUUID(),
      type: `pulumi:providers:${pkg}`,
      inputs: version ? { version } : {},
      outputs: version ? { version } : {},
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
    if (this.failed && !this.opts.continueOnError)
      throw new StepFailure("update canceled: an earlier resource operation failed");
    if (this.opts.continueOnError) {
      const failedDep = dependenciesOf(goal).find((u) => this.failedUrns.has(u));
      if (failedDep) {
        this.failedUrns.add(goal.urn);
        this.log("warning", `${goal.urn} was not updated because its dependency ${failedDep} failed`, goal.urn);
        return this.answerFromState(goal, this.opts.snapshot.olds.get(goal.urn));
      }
    }
    const snap = this.opts.snapshot;
    if (snap.isRegistered(goal.urn)) {
      const dup = new Error(`Duplicate resource URN '${goal.urn}'; try giving it a unique name`);
      this.fail(goal.urn, goal.type, "create", undefined, undefined, dup);
      throw new StepFailure(dup.message);
    }
    if (goal.type === "pulumi:pulumi:Stack" && !goal.parent) this.rootUrn = goal.urn;
    const old = snap.olds.get(goal.urn);
    const isProvider = goal.type.startsWith("pulumi:providers:");
    const provider =
      goal.provider || ((goal.custom || goal.remote) && !isProvider ? this.defaultProvider(goal.type, version) : "");
    if (goal.custom && goal.importId) {
      // Like the engine: an import happens when the state has no such resource (or only a read one); with the
      // same id already in the state, the option is a no-op.
      if (!old || old.external) return this.importStep(goal, goal.importId, provider);
      if (old.id !== goal.importId) {
        const err = new Error(
          `importing ${goal.importId} over ${goal.urn} (id ${old.id ?? ""}) is not supported by the tenantctl test stand-in`,
        );
        this.fail(goal.urn, goal.type, "import", old, undefined, err);
        throw new StepFailure(err.message);
      }
    }
    if (this.opts.programOnly) return this.answerFromState(goal, old);
    // The root stack resource is never filtered out: every targeted resource hangs off it.
    const isRoot = goal.type === "pulumi:pulumi:Stack" && !goal.parent;
    if (this.opts.filter?.active && !isProvider && !isRoot && !this.filterAllows(goal, provider))
      return this.untargeted(goal, old);
    let inputs = effectiveInputs(goal, old);
    if (goal.custom) inputs = this.opts.aws.check(goal.type, goal.name, inputs, old?.inputs);
    // Like the plan's seed: an auto-name chosen at preview time is the one the planned update uses.
    if (goal.custom && this.opts.plan) inputs = this.opts.plan.seedAutoName(goal.urn, goal.type, goal.inputs, inputs);
    if (this.opts.policies) {
      const verdict = await this.analyze(goal, inputs);
      if (verdict === "invalid") {
        // The step generator's bail (`resource <urn> is invalid`): the violations were reported, no step is made.
        this.errors.push(`resource ${goal.urn} is invalid`);
        this.failedUrns.add(goal.urn);
        if (this.opts.continueOnError) return this.answerFromState(goal, old);
        this.onFailure();
        throw new StepFailure(`resource ${goal.urn} is invalid`);
      }
      inputs = verdict;
    }
    const decision: Decision = decide(goal, inputs, old, this.opts.replaceUrns.has(goal.urn));
    if (decision.op === "replace" && goal.custom && !decision.deleteBeforeReplace) {
      inputs = this.opts.aws.check(goal.type, goal.name, effectiveInputs(goal, old), undefined);
    }
    const base: ResourceState = {
      urn: goal.urn,
      custom: goal.custom,
      type: goal.type,
      inputs,
      outputs: {},
      parent: goal.parent || undefined,
      protect: goal.protect || undefined,
      retainOnDelete: goal.retainOnDelete || undefined,
      dependencies: goal.dependencies,
      propertyDependencies: goal.propertyDependencies,
      provider: provider || undefined,
      additionalSecretOutputs: goal.additionalSecretOutputs.length > 0 ? goal.additionalSecretOutputs : undefined,
      deletedWith: goal.deletedWith || undefined,
      created: old?.created ?? new Date().toISOString(),
      modified: new Date().toISOString(),
      ...(goal.hooks ? { resourceHooks: goal.hooks } : {}),
    };
    const planning = this.opts.dryRun ? { planning: true } : {};
    const pre = { ...base, id: old?.id };
    this.opts.planRecorder?.record(goal.urn, goal.type, decision.op, inputs);
    this.opts.events.emit({
      resourcePreEvent: {
        metadata: stepMetadata(decision.op, goal.urn, goal.type, old, pre, decision.diffs, decision.replaceKeys),
        ...planning,
      },
    });
    this.inflight++;
    try {
      if (decision.op === "replace" && old?.protect) throw protectedError("replace", goal.urn);
      this.opts.plan?.check(goal.urn, decision.op, decision.op === "same" ? undefined : inputs);
      const point: "Create" | "Update" | undefined =
        decision.op === "update" ? "Update" : decision.op === "same" ? undefined : "Create";
      const hookTarget = { urn: goal.urn, type: goal.type, id: old?.id };
      if (point) {
        const olds = decision.op === "update" ? { oldInputs: old?.inputs, oldOutputs: old?.outputs } : {};
        this.hookWarnings(
          await this.hooks.run(`before${point}` as HookPoint, goal.hooks, this.opts.dryRun, hookTarget, {
            newInputs: inputs,
            ...olds,
          }),
          goal.urn,
        );
      }
      const result = await executeStep(this, goal, base, old, decision, this.defaultTagsFor(provider));
      const outputs: PropertyMap = { ...result.outputs };
      for (const k of goal.additionalSecretOutputs) if (k in outputs) outputs[k] = secret(unwrap(outputs[k]));
      const state: ResourceState = { ...base, id: goal.custom ? result.id : undefined, outputs };
      if (point) {
        const olds = decision.op === "update" ? { oldInputs: old?.inputs, oldOutputs: old?.outputs } : {};
        const done = { ...hookTarget, id: state.id };
        this.hookWarnings(
          await this.hooks.run(`after${point}` as HookPoint, goal.hooks, this.opts.dryRun, done, {
            newInputs: inputs,
            newOutputs: outputs,
            ...olds,
          }),
          goal.urn,
        );
      }
      snap.setNew(state);
      this.count(decision.op);
      this.opts.events.emit({
        resOutputsEvent: {
          metadata: stepMetadata(decision.op, goal.urn, goal.type, old, state, decision.diffs, decision.replaceKeys),
          ...planning,
        },
      });
      return state;
    } catch (err) {
      this.fail(goal.urn, goal.type, decision.op, old, pre, err);
      // The program goes on: it sees the resource as it was (a failed create: its inputs, no id), no rejection.
      if (this.opts.continueOnError) return this.answerFromState(goal, old);
      throw new StepFailure((err as Error).message);
    } finally {
      if (--this.inflight === 0) this.idle.splice(0).forEach((resolve) => resolve());
    }
  }

  /** Remediations and analysis by every policy pack; a mandatory violation makes an update's resource invalid. */
  private async analyze(goal: Goal, inputs: PropertyMap): Promise<PropertyMap | "invalid"> {
    const policies = this.opts.policies;
    if (!policies) return inputs;
    const { properties, diagnostics } = await policies.analyze({
      urn: goal.urn,
      type: goal.type,
      name: goal.name,
      properties: inputs,
      parent: goal.parent,
      protect: goal.protect,
    });
    let invalid = false;
    for (const d of diagnostics) {
      if (effectiveLevel(d) === "mandatory") {
        this.mandatoryViolations++;
        if (!this.opts.dryRun) invalid = true;
      }
      this.opts.events.emit(policyEvent(goal.urn, d));
    }
    return invalid ? "invalid" : properties;
  }

  private filterAllows(goal: Goal, provider: string): boolean {
    const deps = dependenciesOf({ ...goal, provider });
    const ok = this.opts.filter?.allows(goal.urn, deps, this.allowedUrns, this.deniedUrns) ?? true;
    (ok ? this.allowedUrns : this.deniedUrns).add(goal.urn);
    return ok;
  }

  /**
   * Outside `--target`/inside `--exclude`: an existing resource stays as it was (a `same` step); a new one is not
   * created and its outputs are its inputs, as the engine's skipped create.
   */
  private untargeted(goal: Goal, old: ResourceState | undefined): ResourceState {
    if (!old) this.skipped.add(goal.urn);
    if (!old) return { urn: goal.urn, custom: goal.custom, type: goal.type, inputs: goal.inputs, outputs: goal.inputs };
    const planning = this.opts.dryRun ? { planning: true } : {};
    this.opts.events.emit({
      resourcePreEvent: { metadata: stepMetadata("same", goal.urn, goal.type, old, old), ...planning },
    });
    this.opts.planRecorder?.record(goal.urn, goal.type, "same", undefined);
    this.opts.snapshot.setNew(old);
    this.count("same");
    this.opts.events.emit({
      resOutputsEvent: { metadata: stepMetadata("same", goal.urn, goal.type, old, old), ...planning },
    });
    return old;
  }

  /** `--run-program` for refresh/destroy: the program sees the state's outputs; nothing is stepped or recorded. */
  private answerFromState(goal: Goal, old: ResourceState | undefined): ResourceState {
    return old ?? { urn: goal.urn, custom: goal.custom, type: goal.type, inputs: goal.inputs, outputs: goal.inputs };
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
      urn: goal.urn,
      custom: true,
      id,
      type: goal.type,
      inputs: goal.inputs,
      outputs: {},
      parent: goal.parent || undefined,
      protect: goal.protect || undefined,
      retainOnDelete: goal.retainOnDelete || undefined,
      dependencies: goal.dependencies,
      propertyDependencies: goal.propertyDependencies,
      provider: provider || undefined,
      additionalSecretOutputs: goal.additionalSecretOutputs.length > 0 ? goal.additionalSecretOutputs : undefined,
      deletedWith: goal.deletedWith || undefined,
      created: now,
      modified: now,
    };
    const planning = this.opts.dryRun ? { planning: true } : {};
    this.opts.events.emit({
      resourcePreEvent: { metadata: stepMetadata("import", goal.urn, goal.type, undefined, base), ...planning },
    });
    this.opts.planRecorder?.record(goal.urn, goal.type, "import", goal.inputs);
    this.inflight++;
    try {
      this.opts.plan?.check(goal.urn, "import", goal.inputs);
      const cloud = this.importer.read(goal.type, id);
      if (!cloud) throw importMissing(id);
      const inputs = this.opts.aws.check(goal.type, goal.name, goal.inputs, cloud.inputs);
      const diffs = importDiffs(goal.type, cloud, inputs);
      if (diffs.length > 0) {
        if (!this.opts.dryRun) throw importMismatch(diffs);
        this.log(
          "warning",
          `${IMPORT_MISMATCH}; importing this resource will fail (differing properties: ${diffs.join(", ")})`,
          goal.urn,
        );
      }
      if (!this.opts.dryRun) {
        await this.opts.faults.delay(goal.type, "read");
        this.importer.claim(goal.type, id, goal.urn, `${this.opts.project}/${this.opts.stack}`);
      }
      const outputs: PropertyMap = { ...cloud.outputs };
      for (const k of goal.additionalSecretOutputs) if (k in outputs) outputs[k] = secret(unwrap(outputs[k]));
      const state: ResourceState = { ...base, id: cloud.id, inputs, outputs };
      snap.setNew(state);
      this.count("import");
      this.opts.events.emit({
        resOutputsEvent: { metadata: stepMetadata("import", goal.urn, goal.type, undefined, state), ...planning },
      });
      return state;
    } catch (err) {
      this.fail(goal.urn, goal.type, "import", undefined, base, err);
      throw new StepFailure((err as Error).message);
    } finally {
      if (--this.inflight === 0) this.idle.splice(0).forEach((resolve) => resolve());
    }
  }

  /** A resource whose step failed (or was skipped for a failed dependency) keeps its old state: never deleted. */
  hasFailed(urn: string): boolean {
    return this.failedUrns.has(urn);
  }

  hookWarnings(warnings: string[], urn: string): void {
    for (const w of warnings) this.log("warning", w, urn);
  }

  fail(
    urn: string,
    type: string,
    op: OpType,
    old: ResourceState | undefined,
    news: ResourceState | undefined,
    err: unknown,
  ): void {
    const message = err instanceof Error ? err.message : String(err);
    this.errors.push(message);
    this.failedUrns.add(urn);
    if (!this.opts.continueOnError) this.onFailure();
    const provider = type.startsWith("aws:") ? ": provider=aws@7.48.0" : "";
    this.opts.events.emit({
      diagnosticEvent: { urn, message: `${message}${provider}\n`, color: "never", severity: "error" },
    });
    this.opts.events.emit({
      resOpFailedEvent: { metadata: stepMetadata(op, urn, type, old, news), status: 1, steps: 1 },
    });
  }

  /** `Resource.get`: reads a resource that exists in the account, from any stack, without managing it. */
  async read(type: string, name: string, id: string, parent: string, provider: string): Promise<ResourceState> {
    const urn = this.urnFor(type, name, parent);
    await this.opts.faults.delay(type, "read");
    const cloud = this.opts.aws.read(type, id);
    const state: ResourceState = {
      urn,
      custom: true,
      external: true,
      id,
      type,
      inputs: {},
      outputs: cloud?.outputs ?? {},
      parent: parent || undefined,
      provider: provider || undefined,
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
    // A program run only for its providers (--run-program) records nothing; a skipped create has no state.
    if (this.opts.programOnly || this.skipped.has(urn) || this.failedUrns.has(urn)) return;
    const state = this.opts.snapshot.getNew(urn);
    if (!state) throw new Error(`unknown resource ${urn}`);
    this.opts.snapshot.setNew({ ...state, outputs });
  }

  log(severity: "debug" | "info" | "warning" | "error", message: string, urn: string): void {
    if (severity === "debug") return;
    if (severity === "error") this.loggedErrors.push(message);
    this.opts.events.emit({
      diagnosticEvent: { ...(urn ? { urn } : {}), message: `${message}\n`, color: "never", severity },
    });
  }
}
