import type { StepEventMetadata, StepEventStateMetadata } from "@pulumi/pulumi/automation";
import type { ResourceState } from "../backend/state";
import { forcesReplacement, isWriteOnly } from "../aws/replace-keys";
import type { HookBinding } from "./hooks";
import type { PropertyMap } from "./values";
import { changedKeys, maskSecrets, unwrapMap } from "./values";
import { nameField } from "../../../../infra/sim/aws-model";

/** What the program asked for in one RegisterResource call. */
export interface Goal {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  remote: boolean;
  parent: string;
  inputs: PropertyMap;
  protect: boolean;
  retainOnDelete: boolean;
  deleteBeforeReplace: boolean;
  ignoreChanges: string[];
  replaceOnChanges: string[];
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  provider: string;
  additionalSecretOutputs: string[];
  deletedWith: string;
  /** Pulumi's `import` option: the id of an existing resource to adopt (empty when not importing). */
  importId?: string;
  /** Resource hooks bound to this resource, by hook point. */
  hooks?: HookBinding;
}

export type StepOp = "same" | "create" | "update" | "replace";

export interface Decision {
  op: StepOp;
  diffs: string[];
  /** The diffs that force the replacement (the engine's detailed diff marks them `update-replace`). */
  replaceKeys: string[];
  deleteBeforeReplace: boolean;
}

/** Inputs with ignoreChanges applied (ignored top-level keys keep their old values), and write-only ones kept. */
export function effectiveInputs(goal: Goal, old: ResourceState | undefined): PropertyMap {
  if (!old) return goal.inputs;
  const inputs = { ...goal.inputs };
  for (const k of Object.keys(inputs)) if (isWriteOnly(goal.type, k) && k in old.inputs) inputs[k] = old.inputs[k];
  for (const key of goal.ignoreChanges) {
    const top = key.split(/[.[]/)[0];
    if (top in old.inputs) inputs[top] = old.inputs[top];
    else delete inputs[top];
  }
  return inputs;
}

/**
 * The engine's step choice against the previous state: provider-style ForceNew keys and `replaceOnChanges` make a
 * replacement; an explicitly named resource is deleted before its replacement is created (the name is taken),
 * except task definitions, whose family is shared by all its revisions.
 */
export function decide(
  goal: Goal,
  inputs: PropertyMap,
  old: ResourceState | undefined,
  forceReplace: boolean,
): Decision {
  if (!old) return { op: "create", diffs: [], replaceKeys: [], deleteBeforeReplace: false };
  const diffs = changedKeys(old.inputs, inputs).filter((k) => !isWriteOnly(goal.type, k));
  // A task definition's family is not a unique name: registering the replacement adds a revision beside the old one.
  const explicitName = (() => {
    const field = nameField(goal.type);
    return (
      field !== undefined && goal.inputs[field] !== undefined && goal.type !== "aws:ecs/taskDefinition:TaskDefinition"
    );
  })();
  const deleteBeforeReplace = goal.deleteBeforeReplace || explicitName;
  const replaceAll = goal.replaceOnChanges.includes("*");
  const replaceKeys = diffs.filter(
    (k) =>
      (goal.custom && forcesReplacement(goal.type, k, unwrapMap(inputs))) ||
      replaceAll ||
      goal.replaceOnChanges.some((r) => r.split(/[.[]/)[0] === k),
  );
  if (forceReplace || replaceKeys.length > 0) return { op: "replace", diffs, replaceKeys, deleteBeforeReplace };
  return { op: diffs.length > 0 ? "update" : "same", diffs, replaceKeys: [], deleteBeforeReplace };
}

function stateMeta(s: ResourceState): StepEventStateMetadata {
  return {
    type: s.type,
    urn: s.urn,
    custom: s.custom,
    delete: false,
    id: s.id ?? "",
    parent: s.parent ?? "",
    protect: s.protect ?? false,
    retainOnDelete: s.retainOnDelete ?? false,
    inputs: maskSecrets(s.inputs) as PropertyMap,
    outputs: maskSecrets(s.outputs) as PropertyMap,
    provider: s.provider ?? "",
  };
}

/** Step metadata as engine events carry it; secrets appear as "[secret]" like in the real event stream. */
export function stepMetadata(
  op: StepEventMetadata["op"],
  urn: string,
  type: string,
  olds: ResourceState | undefined,
  news: ResourceState | undefined,
  diffs: string[] = [],
  replaceKeys: readonly string[] = [],
): StepEventMetadata {
  return {
    op,
    urn,
    type,
    ...(olds ? { old: stateMeta(olds) } : {}),
    ...(news ? { new: stateMeta(news) } : {}),
    ...(diffs.length > 0
      ? {
          diffs,
          keys: diffs,
          detailedDiff: Object.fromEntries(
            diffs.map((k) => [
              k,
              { diffKind: (replaceKeys.includes(k) ? "update-replace" : "update") as never, inputDiff: true },
            ]),
          ),
        }
      : {}),
    logical: false,
    provider: news?.provider ?? olds?.provider ?? "",
  };
}

export function protectedError(verb: "delete" | "replace", urn: string): Error {
  return new Error(
    `unable to ${verb} resource "${urn}"\nas it is currently marked for protection. To unprotect the resource, ` +
      "remove the `protect` flag from the resource in your Pulumi program and run `pulumi up`, or use the command:\n" +
      `\`pulumi state unprotect '${urn}'\``,
  );
}
