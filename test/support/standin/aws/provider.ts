import * as crypto from "node:crypto";
import type { SimContext } from "../../../../infra/sim/aws-model";
import {
  canonicalType,
  checkResource,
  defaultSeed,
  nameField,
  physicalName,
  simulateOutputs,
} from "../../../../infra/sim/aws-model";
import type { PropertyMap } from "../engine/values";
import { isSecret, maskSecrets, secret, unwrapMap, UNKNOWN } from "../engine/values";
import type { AccountState, CloudResource } from "./account-store";
import { withAccount } from "./account-store";
import { accountScope, checkAgainstAccount } from "./account-rules";
import type { Verb } from "./aws-error";
import { awsError } from "./aws-error";
import { applyDeletion } from "./deletion";
import { isWriteOnly } from "./replace-keys";

export interface ResourceCall {
  urn: string;
  type: string;
  name: string;
  inputs: PropertyMap;
  defaultTags?: Record<string, string>;
}

const isAccountResource = (type: string): boolean => !type.startsWith("pulumi:");

const TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition";

/**
 * The account record a stack's resource refers to. Ids are not always unique: a task definition's id is its family,
 * and while a replacement runs the old and the new revision both exist, told apart by their ARNs.
 */
function sameResource(r: CloudResource, type: string, id: string, arn: string | undefined): boolean {
  return (
    r.type === type && r.id === id && (arn === undefined || typeof r.outputs.arn !== "string" || r.outputs.arn === arn)
  );
}

/** The ARN in a resource's state outputs, which tells revisions of one task definition family apart. */
export function arnOf(outputs: PropertyMap): string | undefined {
  return typeof outputs.arn === "string" ? outputs.arn : undefined;
}

/** ECS registers a new revision per registration and never reuses a number; the model alone always says 1. */
function nextRevision(state: AccountState, family: string): number {
  const live = state.resources
    .filter((r) => canonicalType(r.type) === TASK_DEFINITION && r.id === family)
    .map((r) => Number(r.outputs.revision ?? 0));
  return Math.max(0, ...live) + 1;
}

function withRevision(outputs: PropertyMap, revision: number): PropertyMap {
  const base = typeof outputs.arnWithoutRevision === "string" ? outputs.arnWithoutRevision : undefined;
  return base === undefined ? outputs : { ...outputs, arn: `${base}:${revision}`, revision };
}

/**
 * The simulated providers: names, ids and outputs from infra/sim/aws-model, per-resource rules, and the account
 * shared by every stack of the backend (uniqueness, quotas, snapshots, secret recovery windows).
 */
export class SimulatedAws {
  constructor(
    readonly ctx: SimContext,
    private readonly backendRoot: string,
  ) {}

  private get stackKey(): string {
    return `${this.ctx.project}/${this.ctx.stack}`;
  }

  /** The provider's Check: fills the auto-name, reusing the old one unless the resource is being replaced. */
  check(type: string, name: string, news: PropertyMap, olds: PropertyMap | undefined): PropertyMap {
    const field = nameField(type);
    if (field === undefined || news[field] !== undefined || news[`${field}Prefix`] !== undefined) return news;
    if (olds?.[field] !== undefined) return { ...news, [field]: olds[field] };
    const seed = `${defaultSeed(this.ctx.project, this.ctx.stack, type, name)}/${crypto.randomBytes(4).toString("hex")}`;
    const pn = physicalName(type, name, unwrapMap(news), seed);
    return pn === undefined ? news : { ...news, [field]: pn };
  }

  private simulate(call: ResourceCall, seed: string): { id: string; outputs: PropertyMap; physical?: string } {
    const plain = unwrapMap(call.inputs);
    const physical = physicalName(call.type, call.name, plain, seed);
    const sim = simulateOutputs(call.type, call.name, plain, this.ctx, { seed, defaultTags: call.defaultTags });
    // Inputs that were secret stay secret in the outputs, as the engine does for echoed properties.
    const outputs: PropertyMap = { ...sim.outputs };
    for (const k of Object.keys(outputs)) if (isWriteOnly(call.type, k)) delete outputs[k];
    for (const [k, v] of Object.entries(call.inputs)) if (isSecret(v) && k in outputs) outputs[k] = secret(outputs[k]);
    return { id: sim.id, outputs, physical };
  }

  private violations(call: ResourceCall, physical: string | undefined, verb: Verb): void {
    const found = checkResource(call.type, call.name, unwrapMap(call.inputs), physical, {
      defaultTags: call.defaultTags,
    });
    if (found.length > 0)
      throw awsError(call.type, verb, physical ?? call.name, found[0].code, found.map((v) => v.message).join("; "));
  }

  /** Preview: outputs the provider cannot know before the call are unknown. */
  previewCreate(call: ResourceCall): PropertyMap {
    const sim = this.simulate(call, "preview");
    return Object.fromEntries(Object.entries(sim.outputs).map(([k, v]) => [k, k in call.inputs ? v : UNKNOWN]));
  }

  create(call: ResourceCall): { id: string; outputs: PropertyMap } {
    const seed = `${defaultSeed(this.ctx.project, this.ctx.stack, call.type, call.name)}/${crypto.randomBytes(4).toString("hex")}`;
    const sim = this.simulate(call, seed);
    if (!isAccountResource(call.type)) return sim;
    this.violations(call, sim.physical, "creating");
    const record: CloudResource = {
      type: call.type,
      id: sim.id,
      urn: call.urn,
      stack: this.stackKey,
      name: call.name,
      physicalName: sim.physical,
      inputs: maskSecrets(call.inputs) as PropertyMap,
      outputs: maskSecrets(sim.outputs) as PropertyMap,
      seed,
      createdAt: new Date().toISOString(),
    };
    return withAccount(this.backendRoot, accountScope(call.type), (state) => {
      const err = checkAgainstAccount(state, record, "creating");
      if (err) throw err;
      if (canonicalType(call.type) !== TASK_DEFINITION) {
        state.resources.push(record);
        return sim;
      }
      const outputs = withRevision(sim.outputs, nextRevision(state, sim.id));
      state.resources.push({ ...record, outputs: maskSecrets(outputs) as PropertyMap });
      return { id: sim.id, outputs };
    });
  }

  update(call: ResourceCall, id: string, arn?: string): { id: string; outputs: PropertyMap } {
    if (!isAccountResource(call.type)) return { id, outputs: this.simulate(call, id).outputs };
    return withAccount(this.backendRoot, accountScope(call.type), (state) => {
      const existing = state.resources.find((r) => sameResource(r, call.type, id, arn));
      if (!existing)
        throw awsError(call.type, "updating", id, "ResourceNotFoundException", `resource ${id} does not exist`, 404);
      const simulated = this.simulate(call, existing.seed);
      const revision = existing.outputs.revision;
      const sim =
        typeof revision === "number" && canonicalType(call.type) === TASK_DEFINITION
          ? { ...simulated, outputs: withRevision(simulated.outputs, revision) }
          : simulated;
      this.violations(call, sim.physical, "updating");
      const record: CloudResource = {
        ...existing,
        urn: call.urn,
        stack: this.stackKey,
        physicalName: sim.physical,
        inputs: maskSecrets(call.inputs) as PropertyMap,
        outputs: maskSecrets(sim.outputs) as PropertyMap,
      };
      const err = checkAgainstAccount(state, record, "updating");
      if (err) throw err;
      state.resources = state.resources.map((r) => (r === existing ? record : r));
      return { id, outputs: sim.outputs };
    });
  }

  /**
   * A remote component (awsx): no plugin runs here, so it gets the outputs the real component would report, with a
   * seed stable per stack so updates keep its ids. Unsupported component types fail like a missing plugin would.
   */
  component(call: ResourceCall): { id: string; outputs: PropertyMap } {
    const seed = defaultSeed(this.ctx.project, this.ctx.stack, call.type, call.name);
    this.violations(call, undefined, "creating");
    const sim = simulateOutputs(call.type, call.name, unwrapMap(call.inputs), this.ctx, { seed });
    return { id: "", outputs: sim.outputs };
  }

  /** Deleting something already gone succeeds, like the provider treating NotFound on delete as done. */
  delete(type: string, id: string, arn?: string): void {
    if (!isAccountResource(type)) return;
    withAccount(this.backendRoot, accountScope(type), (state) => {
      const existing = state.resources.find((r) => sameResource(r, type, id, arn));
      if (!existing) return;
      const err = applyDeletion(state, existing);
      if (err) throw err;
    });
  }

  /** What refresh sees: the resource as the account holds it now, or undefined when it is gone. */
  read(type: string, id: string, arn?: string): CloudResource | undefined {
    if (!isAccountResource(type)) return undefined;
    return withAccount(this.backendRoot, { types: [type] }, (state) =>
      state.resources.find((r) => sameResource(r, type, id, arn)),
    );
  }
}
