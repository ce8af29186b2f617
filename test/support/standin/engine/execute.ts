import type { ResourceState } from "../backend/state";
import { arnOf } from "../aws/provider";
import type { Deployment } from "./deployment";
import type { Decision, Goal } from "./steps";
import type { PropertyMap } from "./values";
import { unwrap } from "./values";
import { nameField } from "../../../../infra/sim/aws-model";

/** The name AWS knows the resource by, for error messages; the logical name when the type has none. */
function physicalOf(goal: Goal, inputs: PropertyMap): string {
  const field = nameField(goal.type);
  const value = field === undefined ? undefined : unwrap(inputs[field]);
  return typeof value === "string" ? value : goal.name;
}

interface StepResult {
  id: string;
  outputs: PropertyMap;
}

/**
 * Runs one step against the simulated providers. Preview computes outputs without touching the account; an update
 * records a pending operation first, so a process killed mid-call leaves it in the checkpoint like the real CLI.
 */
export async function executeStep(
  d: Deployment,
  goal: Goal,
  base: ResourceState,
  old: ResourceState | undefined,
  decision: Decision,
  defaultTags: Record<string, string> | undefined,
): Promise<StepResult> {
  const { aws, faults, snapshot, dryRun } = d.opts;
  const call = { urn: goal.urn, type: goal.type, name: goal.name, inputs: base.inputs, defaultTags };
  if (!goal.custom && !goal.remote) return { id: "", outputs: old?.outputs ?? {} };
  if (goal.remote) {
    if (!dryRun && decision.op !== "same") await faults.delay(goal.type, decision.op);
    const injected = dryRun
      ? undefined
      : faults.failure(decision.op === "same" ? "update" : decision.op, goal.type, goal.name, goal.urn);
    if (injected && decision.op !== "same") throw injected;
    return aws.component(call);
  }
  if (decision.op === "same" && old) return { id: old.id ?? "", outputs: old.outputs };
  if (dryRun) {
    if (decision.op === "update" && old) return { id: old.id ?? "", outputs: { ...old.outputs, ...base.inputs } };
    return { id: "", outputs: aws.previewCreate(call) };
  }
  await faults.delay(goal.type, decision.op === "same" ? "update" : decision.op);
  const injected = faults.failure(
    decision.op === "same" ? "update" : decision.op,
    goal.type,
    goal.name,
    goal.urn,
    physicalOf(goal, base.inputs),
  );
  if (injected) throw injected;
  const done = snapshot.beginPending({
    resource: { ...base, id: old?.id },
    type: decision.op === "update" ? "updating" : "creating",
  });
  try {
    if (faults.shouldDie(goal.type, goal.name, goal.urn) && !faults.dieAfterCloud) faults.dieNow();
    let result: StepResult;
    if (decision.op === "update" && old) {
      result = aws.update(call, old.id ?? "", arnOf(old.outputs));
    } else if (decision.op === "replace" && old) {
      if (decision.deleteBeforeReplace) {
        aws.delete(old.type, old.id ?? "", arnOf(old.outputs));
        snapshot.removeOld(old.urn);
        result = aws.create(call);
      } else {
        result = aws.create(call);
        snapshot.markReplaced(old);
      }
    } else {
      result = aws.create(call);
    }
    if (faults.shouldDie(goal.type, goal.name, goal.urn)) faults.dieNow();
    return result;
  } finally {
    done();
  }
}
