import { CliError } from "../errors";

/**
 * How a flag takes its value: `bool` (optionally `--f=<Go bool>`), `string` (last wins), `multi` (repeatable) or
 * `int` (a Go integer, checked as pflag's IntVar/Int32Var check it).
 */
export type FlagKind = "bool" | "string" | "multi" | "int";
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

/**
 * Cobra shorthands. A letter can stand for different flags in different commands (`-f` is `--skip-preview` for
 * `up`, `--force` for `config refresh`, `--file` for `stack import`): the first one the command has wins.
 */
const SHORT_FLAGS: Record<string, string[]> = {
  s: ["stack"],
  m: ["message"],
  y: ["yes"],
  v: ["verbose"],
  j: ["json"],
  p: ["parallel"],
  r: ["refresh"],
  t: ["target"],
  x: ["exclude"],
  d: ["debug"],
  c: ["config"],
  f: ["skip-preview", "force", "file"],
  a: ["all"],
};

/** How pflag names a flag in its errors: `-p, --parallel` when it has a shorthand. */
export function flagLabel(name: string, spec: FlagSpec): string {
  const short = Object.entries(SHORT_FLAGS).find(
    ([, names]) => names.find((n) => n in spec || n in GLOBAL_FLAGS) === name,
  );
  return short ? `-${short[0]}, --${name}` : `--${name}`;
}

/** Go's strconv.ParseBool spellings. */
const GO_TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const GO_FALSE = new Set(["0", "f", "F", "FALSE", "false", "False"]);

/** strconv.ParseInt(s, 0, bits)'s verdict, in its own words, or undefined when `text` is an integer that fits. */
function parseIntError(text: string, bits: number): string | undefined {
  const syntax = /^[+-]?(0[xX](_?[0-9a-fA-F])+|0[bB](_?[01])+|0[oO](_?[0-7])+|0(_?[0-7])*|[1-9](_?[0-9])*)$/;
  if (!syntax.test(text)) return `strconv.ParseInt: parsing ${JSON.stringify(text)}: invalid syntax`;
  const body = text.replace(/_/g, "").replace(/^[+-]/, "");
  const negative = text.startsWith("-");
  const digits = /^0[oO]/.test(body) ? `0o${body.slice(2)}` : /^0[0-7]+$/.test(body) ? `0o${body.slice(1)}` : body;
  const value = BigInt(digits) * (negative ? -1n : 1n);
  const limit = 1n << BigInt(bits - 1);
  if (value < -limit || value >= limit) return `strconv.ParseInt: parsing ${JSON.stringify(text)}: value out of range`;
  return undefined;
}

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
    return v !== undefined && !GO_FALSE.has(v[v.length - 1]);
  }

  int(flag: string): number | undefined {
    const v = this.string(flag);
    if (v === undefined) return undefined;
    const body = v.replace(/_/g, "");
    const negative = body.startsWith("-");
    const unsigned = body.replace(/^[+-]/, "");
    const n = /^0[0-7]+$/.test(unsigned)
      ? parseInt(unsigned, 8)
      : /^0[oO]/.test(unsigned)
        ? parseInt(unsigned.slice(2), 8)
        : Number(unsigned);
    return negative ? -n : n;
  }

  /** `--help` or `-h` was given: the command prints its usage instead of running. */
  get help(): boolean {
    return this.values.has("help");
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
  const all: FlagSpec = { ...GLOBAL_FLAGS, ...spec, help: "bool" };
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
    const long = arg.startsWith("--");
    const name = long ? rawName : rawName === "h" ? "help" : (SHORT_FLAGS[rawName]?.find((n) => n in all) ?? rawName);
    const kind = all[name];
    if (kind === undefined) {
      // cobra's wording: `unknown flag: --x`, `unknown shorthand flag: 'x' in -x`
      throw new CliError(
        long ? `unknown flag: --${rawName}` : `unknown shorthand flag: '${rawName.charAt(0)}' in -${rawName}`,
      );
    }
    const invalid = (v: string, why: string): CliError =>
      new CliError(`invalid argument ${JSON.stringify(v)} for ${JSON.stringify(flagLabel(name, all))} flag: ${why}`);
    if (kind === "bool") {
      const v = eq >= 0 ? body.slice(eq + 1) : "true";
      if (!GO_TRUE.has(v) && !GO_FALSE.has(v))
        throw invalid(v, `strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
      add(name, v);
      continue;
    }
    let value: string;
    if (eq >= 0) value = body.slice(eq + 1);
    else if (i + 1 >= argv.length) throw new CliError(`flag needs an argument: ${long ? "--" : "-"}${rawName}`);
    else value = argv[++i];
    if (kind === "int") {
      // pflag's IntVar parses 64-bit, Int32Var (parallel, page sizes) 32-bit; the SDK's flags are all Int32Var.
      const why = parseIntError(value, 32);
      if (why) throw invalid(value, why);
    }
    add(name, value);
  }
  return new ParsedArgs(positionals, values);
}

/** Cobra's positional-argument validators and their messages (NoArgs, ExactArgs, RangeArgs, MaximumNArgs). */
export function expectArgs(args: ParsedArgs, min: number, max: number, usage: string): void {
  const n = args.positionals.length;
  if (n >= min && n <= max) return;
  if (max === 0) throw new CliError(`unknown command ${JSON.stringify(args.positionals[0])} for "pulumi ${usage}"`);
  if (min === max) throw new CliError(`accepts ${min} arg(s), received ${n}`);
  if (min === 0) throw new CliError(`accepts at most ${max} arg(s), received ${n}`);
  throw new CliError(`accepts between ${min} and ${max} arg(s), received ${n}`);
}
