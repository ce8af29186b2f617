import type { OpType } from "@pulumi/pulumi/automation";
import type { EventBody } from "./events";
import { maskSecrets } from "./values";
import type { PolicyPacks } from "./policy-packs";
import { renderPolicies } from "./policy-report";

export type OperationKind = "update" | "preview" | "refresh" | "destroy";

const SYMBOL: Partial<Record<OpType, string>> = {
  create: "+ ",
  update: "~ ",
  delete: "- ",
  replace: "+-",
  same: "  ",
  read: "> ",
  refresh: "~ ",
  "delete-replaced": "--",
};
const DONE: Partial<Record<OpType, [string, string]>> = {
  create: ["created", "to create"],
  update: ["updated", "to update"],
  delete: ["deleted", "to delete"],
  replace: ["replaced", "to replace"],
  read: ["read", "to read"],
};

function header(kind: OperationKind, dryRun: boolean, stack: string): string {
  if (kind === "preview") return `Previewing update (${stack}):`;
  const verb = { update: "Updating", refresh: "Refreshing", destroy: "Destroying" }[kind];
  return dryRun ? `Previewing ${kind} (${stack}):` : `${verb} (${stack}):`;
}

/** The text the real CLI prints in non-interactive mode, close enough for a human reading test logs. */
export function renderDisplay(
  kind: OperationKind,
  dryRun: boolean,
  stack: string,
  events: readonly EventBody[],
  changes: Partial<Record<OpType, number>>,
  outputs: Record<string, unknown> | undefined,
  seconds: number,
  policies?: PolicyPacks,
): string {
  const lines = [header(kind, dryRun, stack), ""];
  for (const e of events) {
    const m = e.resOutputsEvent?.metadata;
    if (!m) continue;
    const name = m.urn.split("::").pop() ?? m.urn;
    const done = DONE[m.op];
    lines.push(
      ` ${SYMBOL[m.op] ?? "  "} ${m.type} ${name}${done ? ` ${dryRun ? done[1].replace("to ", "") : done[0]}` : ""}`,
    );
  }
  const diags = events.map((e) => e.diagnosticEvent).filter((x) => x && x.severity !== "info");
  if (diags.length > 0) {
    lines.push("", "Diagnostics:");
    for (const x of diags) {
      if (!x) continue;
      const parts = x.urn?.split("::") ?? [];
      lines.push(`  ${parts.length > 3 ? `${parts[2].split("$").pop()} (${parts[3]})` : "pulumi:pulumi:Stack"}:`);
      lines.push(`    ${x.severity}: ${x.message.trimEnd().replace(/\n/g, "\n    ")}`);
    }
  }
  if (outputs && Object.keys(outputs).length > 0 && !dryRun) {
    lines.push("", "Outputs:");
    for (const [k, v] of Object.entries(maskSecrets(outputs) as Record<string, unknown>))
      lines.push(`    ${k}: ${JSON.stringify(v)}`);
  }
  if (policies) lines.push(...renderPolicies(events, policies.locations(), policies.versions()));
  lines.push("", "Resources:");
  for (const [op, [past, future]] of Object.entries(DONE)) {
    const n = changes[op as OpType];
    if (n) lines.push(`    ${SYMBOL[op as OpType]}${n} ${dryRun ? future : past}`);
  }
  if (changes.same) lines.push(`    ${changes.same} unchanged`);
  lines.push("", `Duration: ${Math.max(1, Math.round(seconds))}s`);
  return lines.join("\n");
}
