/**
 * What every command action receives (its context and the flag sets several commands share) and the command line
 * that reruns an operation, for resume hints. Shared by cli/commands/ (declarations) and cli/actions/ (the work).
 */
import type { Io } from "./io";

export interface CommandContext {
  readonly io: Io;
}

export interface OutputFlags {
  readonly json?: boolean;
}

export interface BackendFlags {
  readonly secretsProvider?: string;
  readonly installPulumi?: boolean;
}

function quote(value: string): string {
  return /^[\w@%+=:,./#-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}

/** The command line that reruns an operation (for resume hints), flags in kebab-case. */
export function commandLine(words: readonly string[], flags: Readonly<Record<string, unknown>>): string {
  const parts = ["tenantctl", ...words];
  for (const [key, value] of Object.entries(flags)) {
    if (value === undefined || value === false || key === "json" || key === "dryRun") continue;
    const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    parts.push(value === true ? flag : `${flag} ${quote(String(value))}`);
  }
  return parts.join(" ");
}
