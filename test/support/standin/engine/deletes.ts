import type { ResourceState } from "../backend/state";
import { arnOf } from "../aws/provider";
import type { Deployment } from "./deployment";
import { hooksOf } from "./hooks";
import { protectedError, stepMetadata } from "./steps";

const isDefaultProvider = (r: ResourceState): boolean =>
  r.type.startsWith("pulumi:providers:") && /::default(_[0-9_a-z]+)?$/.test(r.urn);

/**
 * Deletes `victims` dependents-first (reverse checkpoint order). A protected victim fails the whole set before
 * anything is deleted, as the real engine refuses the plan. `retainOnDelete` drops the resource from state but
 * leaves it in the account. Stops at the first failure.
 */
export async function deleteResources(d: Deployment, victims: ResourceState[], replaced: boolean): Promise<void> {
  const { snapshot, aws, faults, events, dryRun } = d.opts;
  const ordered = [...victims].reverse();
  const prot = replaced ? undefined : ordered.find((r) => r.protect);
  if (prot) {
    d.fail(prot.urn, prot.type, "delete", prot, undefined, protectedError("delete", prot.urn));
    return;
  }
  for (const r of ordered) {
    if (d.canceled) return;
    if (d.failed && !d.opts.continueOnError) return;
    if (isDefaultProvider(r)) {
      if (!dryRun) snapshot.removeOld(r.urn);
      continue;
    }
    const op = replaced ? "delete-replaced" : "delete";
    const planning = dryRun ? { planning: true } : {};
    d.opts.planRecorder?.record(r.urn, r.type, op, undefined);
    try {
      d.opts.plan?.check(r.urn, op, undefined);
    } catch (err) {
      d.fail(r.urn, r.type, op, r, undefined, err);
      return;
    }
    events.emit({ resourcePreEvent: { metadata: stepMetadata(op, r.urn, r.type, r, undefined), ...planning } });
    if (!dryRun) {
      try {
        await faults.delay(r.type, "delete");
        const name = r.urn.split("::").pop() ?? "";
        const physical =
          typeof r.outputs.name === "string"
            ? r.outputs.name
            : typeof r.outputs.identifier === "string"
              ? r.outputs.identifier
              : name;
        const injected = faults.failure("delete", r.type, name, r.urn, physical);
        if (injected) throw injected;
        const target = { urn: r.urn, type: r.type, id: r.id };
        d.hookWarnings(
          await d.hooks.run("beforeDelete", hooksOf(r), dryRun, target, { oldInputs: r.inputs, oldOutputs: r.outputs }),
          r.urn,
        );
        const done = snapshot.beginPending({ resource: r, type: "deleting" });
        try {
          if (faults.shouldDie(r.type, name, r.urn)) faults.dieNow();
          if (r.custom && !r.retainOnDelete && !r.external) aws.delete(r.type, r.id ?? "", arnOf(r.outputs));
        } finally {
          done();
        }
        if (replaced) snapshot.finishReplaced(r.urn);
        else snapshot.removeOld(r.urn);
        d.hookWarnings(
          await d.hooks.run("afterDelete", hooksOf(r), dryRun, target, { oldInputs: r.inputs, oldOutputs: r.outputs }),
          r.urn,
        );
      } catch (err) {
        d.fail(r.urn, r.type, op, r, undefined, err);
        if (d.opts.continueOnError) continue;
        return;
      }
    }
    if (!replaced) d.count("delete");
    events.emit({ resOutputsEvent: { metadata: stepMetadata(op, r.urn, r.type, r, undefined), ...planning } });
  }
}

/** After the program: old replacements first, then every old resource the program no longer registers. */
export async function deleteUnregistered(d: Deployment): Promise<void> {
  const { snapshot } = d.opts;
  await deleteResources(d, snapshot.replacedResources(), true);
  if (d.failed || d.canceled) return;
  const filter = d.opts.filter;
  const allowed = filter?.active ? filter.allowed(snapshot.oldResources()) : undefined;
  await deleteResources(
    d,
    snapshot
      .oldResources()
      .filter((r) => !snapshot.isRegistered(r.urn) && !d.hasFailed(r.urn) && (allowed?.has(r.urn) ?? true)),
    false,
  );
}
