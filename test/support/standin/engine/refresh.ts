import type { ResourceState } from "../backend/state";
import { arnOf } from "../aws/provider";
import type { Deployment } from "./deployment";
import { stepMetadata } from "./steps";
import type { PropertyMap } from "./values";
import { deepEqual, isSecret, maskSecrets } from "./values";

/** Output keys whose value in the account differs from state; secrets are never stored in the account, so skipped. */
function drifted(state: PropertyMap, cloud: PropertyMap): string[] {
  return Object.keys(cloud).filter((k) => {
    if (cloud[k] === "[secret]" || isSecret(state[k])) return false;
    return !deepEqual(maskSecrets(state[k]), cloud[k]);
  });
}

/**
 * `refresh`: reads every managed resource back from the simulated account. Gone → removed from state; changed
 * behind the program's back (see test/support/drift.ts) → outputs and the matching inputs take the account's values,
 * so the next `up` shows the update that restores the program's intent, as with the real provider.
 */
export async function refreshResources(d: Deployment): Promise<void> {
  const { snapshot, aws, events, dryRun } = d.opts;
  const planning = dryRun ? { planning: true } : {};
  const allowed = d.opts.filter?.active ? d.opts.filter.allowed(snapshot.oldResources()) : undefined;
  for (const old of snapshot.oldResources()) {
    if (d.canceled) return;
    if (allowed && !allowed.has(old.urn)) {
      snapshot.setNew(old);
      continue;
    }
    const simulated = old.custom && !old.type.startsWith("pulumi:") && old.id;
    if (!simulated) {
      snapshot.setNew(old);
      if (!old.type.startsWith("pulumi:providers:")) d.count("same");
      continue;
    }
    events.emit({ resourcePreEvent: { metadata: stepMetadata("refresh", old.urn, old.type, old, old), ...planning } });
    await d.opts.faults.delay(old.type, "read");
    const cloud = aws.read(old.type, old.id ?? "", arnOf(old.outputs));
    if (!cloud) {
      snapshot.removeOld(old.urn);
      d.count("delete");
      events.emit({
        resOutputsEvent: { metadata: stepMetadata("refresh", old.urn, old.type, old, undefined), ...planning },
      });
      continue;
    }
    const keys = drifted(old.outputs, cloud.outputs);
    const next: ResourceState = {
      ...old,
      outputs: { ...old.outputs, ...Object.fromEntries(keys.map((k) => [k, cloud.outputs[k]])) },
      inputs: {
        ...old.inputs,
        ...Object.fromEntries(keys.filter((k) => k in old.inputs).map((k) => [k, cloud.outputs[k]])),
      },
    };
    snapshot.setNew(next);
    d.count(keys.length > 0 ? "update" : "same");
    events.emit({
      resOutputsEvent: { metadata: stepMetadata("refresh", old.urn, old.type, old, next, keys), ...planning },
    });
  }
}
