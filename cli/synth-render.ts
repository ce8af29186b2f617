/**
 * How `synth` shows a synthesized stack: the JSON document of the CLI contract, and a readable tree with the
 * settings that matter per resource. Secret inputs are masked in both.
 */
import type { SynthResource } from "../infra/sim/synth";
import type { Violation } from "../infra/sim/aws-model";

export const MASK = "[secret]";
const ROOT_TYPE = "pulumi:pulumi:Stack";

/** Inputs with every secret top-level key masked. */
export function visibleInputs(resource: SynthResource): Record<string, unknown> {
  const masked = { ...resource.inputs };
  for (const key of resource.secretInputs) if (key in masked) masked[key] = MASK;
  return masked;
}

export interface SynthDocument {
  readonly stack: string;
  readonly resources: { readonly type: string; readonly name: string; readonly inputs: Record<string, unknown> }[];
  readonly violations: Violation[];
}

export function synthDocument(
  stack: string,
  resources: readonly SynthResource[],
  violations: Violation[],
): SynthDocument {
  return {
    stack,
    resources: resources
      .filter((r) => r.type !== ROOT_TYPE)
      .map((r) => ({ type: r.type, name: r.name, inputs: visibleInputs(r) })),
    violations,
  };
}

/** Input keys worth a glance, in display order. */
const HIGHLIGHTS = [
  "engine",
  "engineVersion",
  "instanceClass",
  "allocatedStorage",
  "multiAz",
  "storageEncrypted",
  "publiclyAccessible",
  "deletionProtection",
  "backupRetentionPeriod",
  "finalSnapshotIdentifier",
  "manageMasterUserPassword",
  "recoveryWindowInDays",
  "cpu",
  "memory",
  "desiredCount",
  "priority",
  "port",
  "protocol",
  "fromPort",
  "toPort",
  "retentionInDays",
  "family",
];

function short(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function hostHeaders(inputs: Record<string, unknown>): string[] {
  const conditions = Array.isArray(inputs.conditions) ? inputs.conditions : [];
  return conditions.flatMap((c: { hostHeader?: { values?: unknown } }) =>
    Array.isArray(c.hostHeader?.values) ? c.hostHeader.values.map(String) : [],
  );
}

export function settingsLine(resource: SynthResource): string {
  const inputs = visibleInputs(resource);
  const parts = HIGHLIGHTS.filter((key) => inputs[key] !== undefined).map((key) => `${key}=${short(inputs[key])}`);
  const hosts = hostHeaders(inputs);
  if (hosts.length > 0) parts.push(`host=${hosts.join(",")}`);
  return parts.join(" ");
}

/** An indented tree (children under their parent component), one resource per line. */
export function synthTree(resources: readonly SynthResource[]): string[] {
  const children = new Map<string | undefined, SynthResource[]>();
  const root = resources.find((r) => r.type === ROOT_TYPE);
  for (const r of resources) {
    if (r === root) continue;
    const parent = r.parent === root?.urn ? undefined : r.parent;
    children.set(parent, [...(children.get(parent) ?? []), r]);
  }
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number): void => {
    for (const r of children.get(parent) ?? []) {
      const settings = settingsLine(r);
      lines.push(
        `${"  ".repeat(depth)}${r.type} ${r.name}${r.physicalName !== undefined && r.physicalName !== r.name ? ` (${r.physicalName})` : ""}${settings === "" ? "" : `  ${settings}`}`,
      );
      walk(r.urn, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines;
}
