import type { AccountState, CloudResource, DbSnapshot } from "./standin/aws/account-store";
import { withAccount } from "./standin/aws/account-store";

/**
 * Test helpers over the stand-in's simulated AWS account (`<backend>/.pulumi-standin/account/`: one shard per resource
 * type plus `meta.json`), shared by every stack of one backend. They take the same locks as the stand-in (all of
 * them, in its fixed order), so they are safe while it runs.
 */
export function accountResources(backendDir: string): CloudResource[] {
  return withAccount(backendDir, (s) => structuredClone(s.resources));
}

export function listSnapshots(backendDir: string): DbSnapshot[] {
  return withAccount(backendDir, (s) => structuredClone(s.snapshots));
}

export function deletedSecrets(backendDir: string): AccountState["deletedSecrets"] {
  return withAccount(backendDir, (s) => structuredClone(s.deletedSecrets));
}

export interface ResourceMatch {
  /** Pulumi type token, e.g. `aws:iam/role:Role`. */
  type: string;
  /** Logical name in the program, or omit and give `stack` to match the only resource of that type there. */
  name?: string;
  /** `<project>/<stack>`, when several stacks have the same logical name. */
  stack?: string;
}

function find(state: AccountState, m: ResourceMatch): CloudResource {
  const hits = state.resources.filter(
    (r) =>
      r.type === m.type &&
      (m.name === undefined || r.name === m.name) &&
      (m.stack === undefined || r.stack === m.stack),
  );
  if (hits.length !== 1)
    throw new Error(`expected one simulated ${m.type} matching ${JSON.stringify(m)}, found ${hits.length}`);
  return hits[0];
}

/**
 * Changes a resource "behind the program's back": the given properties take new values in the account (outputs,
 * and inputs where they exist), so the next `refresh` reports drift. Pass `"delete"` to make it vanish.
 */
export function driftResource(
  backendDir: string,
  match: ResourceMatch,
  change: Record<string, unknown> | "delete",
): void {
  withAccount(backendDir, (state) => {
    const r = find(state, match);
    if (change === "delete") {
      state.resources = state.resources.filter((x) => x !== r);
      return;
    }
    r.outputs = { ...r.outputs, ...change };
    r.inputs = { ...r.inputs, ...Object.fromEntries(Object.entries(change).filter(([k]) => k in r.inputs)) };
  });
}

/** Moves the account's clock forward, e.g. past a deleted secret's recovery window. */
export function advanceAccountClock(backendDir: string, days: number): void {
  withAccount(backendDir, (state) => {
    state.clockOffsetMs += days * 86_400_000;
  });
}

export interface CloneTarget {
  /** `<project>/<stack>` the copies belong to. */
  stack: string;
  /** Text replacements applied to every copied resource's JSON (e.g. the template's slug → the clone's). */
  replace: readonly (readonly [string, string])[];
}

/**
 * Copies every resource of stack `from` into the account once per target, as if each target stack had created it
 * (benchmark fixtures: hundreds of tenants without provisioning each). Locks only the template's resource types.
 * Returns how many resources were added.
 */
export function cloneAccountResources(backendDir: string, from: string, targets: readonly CloneTarget[]): number {
  const template = withAccount(backendDir, (s) => structuredClone(s.resources.filter((r) => r.stack === from)));
  if (template.length === 0) throw new Error(`no simulated resources of stack ${from} to clone`);
  const text = JSON.stringify(template);
  const copies = targets.flatMap((t) => {
    const swapped = t.replace.reduce((acc, [a, b]) => acc.split(a).join(b), text);
    return (JSON.parse(swapped) as CloudResource[]).map((r) => ({ ...r, stack: t.stack }));
  });
  withAccount(backendDir, { types: template.map((r) => r.type) }, (state) => {
    state.resources.push(...copies);
  });
  return copies.length;
}
