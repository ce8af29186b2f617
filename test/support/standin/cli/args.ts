import { CliError } from "../errors";

/** How a flag takes its value: `bool` (optionally `--f=true|false`), `string` (last wins) or `multi` (repeatable). */
export type FlagKind = "bool" | "string" | "multi";
export type FlagSpec = Record<string, FlagKind>;

/** Flags every command accepts because the SDK's global options may add them. */
export const GLOBAL_FLAGS: FlagSpec = {
  "non-interactive": "bool",
  color: "string",
  logflow: "bool",
  logtostderr: "bool",
  verbose: "string",
  tracing: "string",
  "tracing-header": "string",
  "otel-traces": "string",
  profiling: "string",
  memprofilerate: "string",
  "disable-integrity-checking": "bool",
  "fully-qualify-stack-names": "bool",
  emoji: "bool",
};

const SHORT_FLAGS: Record<string, string> = { s: "stack", m: "message", y: "yes", v: "verbose", j: "json", f: "file" };

export class ParsedArgs {
  constructor(
    readonly positionals: string[],
    private readonly values: Map<string, string[]>,
  ) {}

  has(flag: string): boolean {
    return this.values.has(flag);
  }

  bool(flag: string): boolean {
    const v = this.values.get(flag);
    return v !== undefined && v[v.length - 1] !== "false";
  }

  string(flag: string): string | undefined {
    const v = this.values.get(flag);
    return v === undefined ? undefined : v[v.length - 1];
  }

  multi(flag: string): string[] {
    return this.values.get(flag) ?? [];
  }

  /** Flags present on the command line, for rejecting the ones the stand-in knows but does not implement. */
  present(): string[] {
    return [...this.values.keys()];
  }
}

/**
 * Parses flags after the command words. Unknown flags fail like cobra does ("unknown flag: --x") so that a flag the
 * SDK starts passing in a newer version shows up as a test failure instead of being silently ignored.
 */
export function parseFlags(argv: string[], spec: FlagSpec): ParsedArgs {
  const all: FlagSpec = { ...GLOBAL_FLAGS, ...spec };
  const positionals: string[] = [];
  const values = new Map<string, string[]>();
  const add = (name: string, value: string): void => {
    const list = values.get(name) ?? [];
    list.push(value);
    values.set(name, list);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const body = arg.startsWith("--") ? arg.slice(2) : arg.slice(1);
    const eq = body.indexOf("=");
    const rawName = eq >= 0 ? body.slice(0, eq) : body;
    const name = arg.startsWith("--") ? rawName : (SHORT_FLAGS[rawName] ?? rawName);
    const kind = all[name];
    if (kind === undefined) {
      throw new CliError(`unknown flag: ${arg.startsWith("--") ? "--" : "-"}${rawName}`);
    }
    if (kind === "bool") {
      const v = eq >= 0 ? body.slice(eq + 1) : "true";
      if (v !== "true" && v !== "false") throw new CliError(`invalid argument "${v}" for "--${name}" flag`);
      add(name, v);
      continue;
    }
    if (eq >= 0) {
      add(name, body.slice(eq + 1));
      continue;
    }
    if (i + 1 >= argv.length) throw new CliError(`flag needs an argument: --${name}`);
    add(name, argv[++i]);
  }
  return new ParsedArgs(positionals, values);
}

export function expectArgs(args: ParsedArgs, min: number, max: number, usage: string): void {
  const n = args.positionals.length;
  if (n < min || n > max) {
    throw new CliError(`${usage}: accepts between ${min} and ${max} arg(s), received ${n}`);
  }
}

/** Fails loudly for flags the real CLI has and the stand-in knowingly does not implement. */
export function rejectUnsupported(args: ParsedArgs, flags: string[]): void {
  for (const f of flags) {
    if (args.has(f)) {
      throw new CliError(`flag --${f} is not supported by the tenantctl test stand-in (see docs/standin.md)`);
    }
  }
}
