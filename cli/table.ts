/**
 * A plain text table for `list`. cli-table3 takes ~3 ms a row to lay out (0.6 s for 200 tenants), which broke
 * the startup budget of `list tenants`; our cells are single-line ASCII (slugs, URLs, image refs, ISO times),
 * so padding to the widest cell is all the layout needed.
 */
export function renderTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, col) => rows.reduce((max, row) => Math.max(max, [...(row[col] ?? "")].length), [...h].length));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, col) => cell + " ".repeat((widths[col] ?? 0) - [...cell].length)).join("  ").trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [line(head), rule, ...rows.map(line)].join("\n");
}
