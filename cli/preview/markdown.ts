/**
 * Pull-request comment bodies (GitHub-flavoured markdown). Branch names are chosen by whoever pushes, so every
 * value goes through `code()` (a code span: no markdown, links or HTML inside) and table cells escape `|`.
 */
import type { ChangeOp, ResourceChange } from "./changes";

/** A code span that cannot be broken out of: the fence is longer than any run of backticks in the text. */
export function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") || text === "" ? " " : "";
  return `${fence}${pad}${text.replace(/\r?\n/g, " ")}${pad}${fence}`;
}

/** A table cell: GitHub splits cells on `|` even inside code spans unless it is escaped. */
export function cell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

export function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${head.join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
    ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
  ];
}

const OP_ORDER: readonly ChangeOp[] = ["replace", "delete", "update", "create"];
const OP_VERB: Readonly<Record<ChangeOp, string>> = {
  create: "to create",
  update: "to update",
  replace: "to replace",
  delete: "to delete",
};
const OP_LABEL: Readonly<Record<ChangeOp, string>> = {
  create: "create",
  update: "update",
  replace: "**replace**",
  delete: "**delete**",
};

/** "2 to create, 1 to replace", or "no changes". */
export function changeSummary(
  resources: readonly ResourceChange[],
  verbs: Readonly<Record<ChangeOp, string>> = OP_VERB,
): string {
  const parts = OP_ORDER.map((op) => [op, resources.filter((r) => r.op === op).length] as const)
    .filter(([, n]) => n > 0)
    .map(([op, n]) => `${n} ${verbs[op]}`);
  return parts.length === 0 ? "no changes" : parts.join(", ");
}

/** One property change as `key` or `key`: `old` → `new` when both values may be shown. */
export function propertyText(resource: ResourceChange): string {
  if (resource.op === "create" || resource.op === "delete") return "";
  return resource.properties
    .map((p) =>
      p.before !== undefined && p.after !== undefined
        ? `${code(p.key)}: ${code(p.before)} → ${code(p.after)}`
        : code(p.key),
    )
    .join(", ");
}

/** The per-resource table; long lists are folded into a <details> block so the comment stays readable. */
export function changesTable(resources: readonly ResourceChange[], foldAfter = 15): string[] {
  if (resources.length === 0) return [];
  const withProperties = resources.some((r) => propertyText(r) !== "");
  const rows = resources.map((r) => [
    OP_LABEL[r.op],
    code(r.type),
    code(r.name),
    ...(withProperties ? [propertyText(r)] : []),
  ]);
  const lines = table(["change", "type", "name", ...(withProperties ? ["properties"] : [])], rows);
  if (resources.length <= foldAfter) return lines;
  return ["<details><summary>Every resource change</summary>", "", ...lines, "", "</details>"];
}

const TAG_KEYS = new Set(["tags", "tagsAll"]);

/** Updates that change nothing but tags (a preview's `expires-at` on every push): listed as one line, not N rows. */
export function splitTagOnly(resources: readonly ResourceChange[]): {
  main: ResourceChange[];
  tagOnly: ResourceChange[];
} {
  const isTagOnly = (r: ResourceChange): boolean =>
    r.op === "update" && r.properties.length > 0 && r.properties.every((p) => TAG_KEYS.has(p.key));
  return { main: resources.filter((r) => !isTagOnly(r)), tagOnly: resources.filter(isTagOnly) };
}

/** "in 3 days", "in 5 hours", "45 minutes ago": coarse, for people; the exact time is printed next to it. */
export function relativeTime(target: Date, now: Date): string {
  const ms = target.getTime() - now.getTime();
  const abs = Math.abs(ms);
  const [count, unit] =
    abs >= 2 * 86_400_000
      ? [Math.round(abs / 86_400_000), "day"]
      : abs >= 2 * 3_600_000
        ? [Math.round(abs / 3_600_000), "hour"]
        : [Math.round(abs / 60_000), "minute"];
  const phrase = `${count} ${unit}${count === 1 ? "" : "s"}`;
  return ms >= 0 ? `in ${phrase}` : `${phrase} ago`;
}

/** `2026-11-27 03:20 UTC`: unambiguous for reviewers in any time zone. */
export function utc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
