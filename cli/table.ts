/**
 * The one text table of the CLI (`list tenants`, `preview list`, `capacity`, certificate records). cli-table3 took
 * ~3 ms a row to lay out (0.6 s for 200 tenants), which broke the startup budget of `list tenants`; padding each column
 * to its widest cell is all the layout these tables need. Widths are terminal columns (string-width), so a branch name
 * with wide characters still lines up. With a width limit, the columns named shrinkable are cut (widest first, down to
 * their minimum) and their cells end, or start, with "…".
 */
import stringWidth from "string-width";

export interface Fit {
  /** The terminal's width; undefined = no limit. */
  readonly maxWidth: number | undefined;
  /** Column index → the side of a cut cell that is kept, and the column's minimum width. */
  readonly shrink: Readonly<Record<number, { readonly keep: "start" | "end"; readonly min: number }>>;
}

const length = (s: string): number => stringWidth(s);

export function cut(cell: string, width: number, keep: "start" | "end"): string {
  if (length(cell) <= width) return cell;
  if (width <= 1) return "…";
  const chars = keep === "start" ? [...cell] : [...cell].reverse();
  let kept = "";
  let used = 0;
  for (const char of chars) {
    const w = length(char);
    if (used + w > width - 1) break;
    kept = keep === "start" ? kept + char : char + kept;
    used += w;
  }
  return keep === "start" ? `${kept}…` : `…${kept}`;
}

export function renderTable(head: readonly string[], rows: readonly (readonly string[])[], fit?: Fit): string {
  const widths = head.map((h, col) => rows.reduce((max, row) => Math.max(max, length(row[col] ?? "")), length(h)));
  const total = (): number => widths.reduce((sum, w) => sum + w, 0) + 2 * (widths.length - 1);
  if (fit?.maxWidth !== undefined) {
    const shrinkable = Object.keys(fit.shrink).map(Number);
    while (total() > fit.maxWidth) {
      const col = shrinkable
        .filter((c) => (widths[c] ?? 0) > Math.max(fit.shrink[c]?.min ?? 1, length(head[c] ?? "")))
        .sort((a, b) => (widths[b] ?? 0) - (widths[a] ?? 0))[0];
      if (col === undefined) break;
      widths[col] = (widths[col] ?? 0) - 1;
    }
  }
  const line = (cells: readonly string[]): string =>
    cells
      .map((raw, col) => {
        const w = widths[col] ?? 0;
        const cell = cut(raw, w, fit?.shrink[col]?.keep ?? "start");
        return cell + " ".repeat(w - length(cell));
      })
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [line(head), rule, ...rows.map(line)].join("\n");
}

/** `repo@sha256:0123456789ab…`: a digest's first 12 hex digits identify it in a table; --json has the full reference. */
export function shortImage(ref: string): string {
  return ref.replace(/@(sha256:[0-9a-f]{12})[0-9a-f]{52}$/, "@$1…");
}

/** `2026-12-03 07:16Z` instead of `2026-12-03T07:16:56.663Z`. */
export function shortTime(iso: string): string {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)/.exec(iso);
  return m === null ? iso : `${m[1]} ${m[2]}Z`;
}
