import { CliError, messageOf } from "./errors";
import type { FlagSpec, ParsedArgs } from "./cli/args";
import { parseFlags } from "./cli/args";
import { OP_FLAGS } from "./cli/op-flags";
import { STANDIN_VERSION } from "./backend/state";
import { IMPORT_FLAGS } from "./recovery/import-flags";

interface Command {
  flags: FlagSpec;
  run: (args: ParsedArgs) => Promise<number>;
}

const STACK: FlagSpec = { stack: "string" };
const JSON_FLAG: FlagSpec = { json: "bool" };

/**
 * Every command the stand-in implements, keyed by its words. Handlers are required lazily so `version` (run on
 * every LocalWorkspace creation) loads nothing but this table.
 */
const COMMANDS: Record<string, Command> = {
  version: { flags: {}, run: async () => (process.stdout.write(`v${STANDIN_VERSION}\n`), 0) },
  whoami: { flags: { ...JSON_FLAG }, run: async (a) => (await import("./cli/stack-commands")).whoami(a) },
  cancel: { flags: { ...STACK, yes: "bool" }, run: async (a) => (await import("./cli/stack-commands")).cancel(a) },
  import: { flags: IMPORT_FLAGS, run: async (a) => (await import("./recovery/import-command")).importResource(a) },
  "stack init": {
    flags: { ...STACK, "secrets-provider": "string", "no-select": "bool" },
    run: async (a) => (await import("./cli/stack-commands")).stackInit(a),
  },
  "stack select": {
    flags: { ...STACK, create: "bool", "secrets-provider": "string" },
    run: async (a) => (await import("./cli/stack-commands")).stackSelect(a),
  },
  "stack ls": { flags: { ...JSON_FLAG, all: "bool" }, run: async (a) => (await import("./cli/stack-commands")).stackLs(a) },
  "stack rm": {
    flags: { ...STACK, yes: "bool", force: "bool", "preserve-config": "bool" },
    run: async (a) => (await import("./cli/stack-commands")).stackRm(a),
  },
  "stack output": {
    flags: { ...STACK, ...JSON_FLAG, "show-secrets": "bool" },
    run: async (a) => (await import("./cli/state-commands")).stackOutput(a),
  },
  "stack history": {
    flags: { ...STACK, ...JSON_FLAG, "show-secrets": "bool", "page-size": "string", page: "string" },
    run: async (a) => (await import("./cli/state-commands")).stackHistory(a),
  },
  "stack export": {
    flags: { ...STACK, "show-secrets": "bool", file: "string" },
    run: async (a) => (await import("./cli/state-commands")).stackExport(a),
  },
  "stack import": {
    flags: { ...STACK, file: "string", force: "bool" },
    run: async (a) => (await import("./cli/state-commands")).stackImport(a),
  },
  config: {
    flags: { ...STACK, ...JSON_FLAG, "show-secrets": "bool" },
    run: async (a) => (await import("./cli/config-commands")).configList(a),
  },
  "config get": {
    flags: { ...STACK, ...JSON_FLAG, path: "bool" },
    run: async (a) => (await import("./cli/config-commands")).configGet(a),
  },
  "config set": {
    flags: { ...STACK, path: "bool", secret: "bool", plaintext: "bool" },
    run: async (a) => (await import("./cli/config-commands")).configSet(a),
  },
  "config set-all": {
    flags: { ...STACK, path: "bool", secret: "multi", plaintext: "multi", json: "string" },
    run: async (a) => (await import("./cli/config-commands")).configSetAll(a),
  },
  "config rm": { flags: { ...STACK, path: "bool" }, run: async (a) => (await import("./cli/config-commands")).configRm(a, false) },
  "config rm-all": {
    flags: { ...STACK, path: "bool" },
    run: async (a) => (await import("./cli/config-commands")).configRm(a, true),
  },
  "config refresh": {
    flags: { ...STACK, force: "bool" },
    run: async (a) => (await import("./cli/config-commands")).configRefresh(a),
  },
  up: { flags: OP_FLAGS.up, run: async (a) => (await import("./cli/op-commands")).runOperation("update", a) },
  preview: { flags: OP_FLAGS.preview, run: async (a) => (await import("./cli/op-commands")).runOperation("preview", a) },
  refresh: { flags: OP_FLAGS.refresh, run: async (a) => (await import("./cli/op-commands")).runOperation("refresh", a) },
  destroy: { flags: OP_FLAGS.destroy, run: async (a) => (await import("./cli/op-commands")).runOperation("destroy", a) },
};

for (const sub of ["get", "set", "rm", "ls"]) {
  COMMANDS[`stack tag ${sub}`] = {
    flags: { ...STACK, ...JSON_FLAG },
    run: async (a) => (await import("./cli/stack-commands")).stackTag(sub, a),
  };
}

/** Finds the longest run of leading words naming a command; anything else is "unknown command" like cobra. */
async function dispatch(argv: string[]): Promise<number> {
  const words: string[] = [];
  for (const a of argv) {
    if (a.startsWith("-")) break;
    words.push(a);
  }
  for (let n = Math.min(words.length, 3); n >= 1; n--) {
    const cmd = COMMANDS[words.slice(0, n).join(" ")];
    if (cmd) return cmd.run(parseFlags(argv.slice(n), cmd.flags));
  }
  if (words.length === 0) throw new CliError(`a command is required (the stand-in got: ${argv.join(" ") || "nothing"})`);
  throw new CliError(`unknown command "${words.join(" ")}" for "pulumi" (not implemented by the tenantctl test stand-in)`);
}

/**
 * Entry of the stand-in `pulumi` (test/support/bin/pulumi). Errors print as `error: <message>` with exit code 255,
 * as the real CLI does; the explicit exit also ends gRPC handles a failed operation may leave open.
 */
dispatch(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`error: ${messageOf(err)}\n`);
    if (!(err instanceof CliError) && process.env.PULUMI_STANDIN_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    process.exit(err instanceof CliError ? err.exitCode : 255);
  },
);
