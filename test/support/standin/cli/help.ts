import type { FlagKind, FlagSpec } from "./args";
import { flagLabel, GLOBAL_FLAGS } from "./args";

/** What `--help` shows of one command: cobra's `Use` line and `Short` text. */
export interface CommandHelp {
  use: string;
  short: string;
}

const TYPE: Record<FlagKind, string> = { bool: "", string: " string", multi: " stringArray", int: " int32" };

function flagLines(spec: FlagSpec): string[] {
  const rows = Object.entries(spec)
    .filter(([name]) => name !== "help")
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, kind]) => {
      const label = flagLabel(name, spec);
      return `${label.startsWith("--") ? "    " : ""}${label}${TYPE[kind]}`;
    });
  return rows.map((r) => `  ${r}`);
}

/**
 * Cobra's usage text for a command. The stand-in lists the flags it parses (which is what the SDK probes for, e.g.
 * `--remote` in `preview --help`), not the real CLI's descriptions.
 */
export function commandHelp(
  words: string,
  help: CommandHelp,
  spec: FlagSpec,
  subcommands: [string, CommandHelp][],
): string {
  const lines = [help.short, "", "Usage:", `  pulumi ${help.use}`];
  if (subcommands.length > 0) {
    lines.push(`  pulumi ${words}${words ? " " : ""}[command]`, "", "Available Commands:");
    const width = Math.max(...subcommands.map(([w]) => w.length));
    for (const [w, h] of subcommands) lines.push(`  ${w.padEnd(width)}   ${h.short}`);
  }
  const name = words.split(" ").pop() || "pulumi";
  lines.push("", "Flags:", ...flagLines(spec), `  -h, --help   help for ${name}`);
  lines.push("", "Global Flags:", ...flagLines(GLOBAL_FLAGS));
  if (subcommands.length > 0)
    lines.push("", `Use "pulumi ${words}${words ? " " : ""}[command] --help" for more information about a command.`);
  return `${lines.join("\n")}\n`;
}
