import { CliError, messageOf } from "./errors";
import type { FlagSpec, ParsedArgs } from "./cli/args";
import { parseFlags } from "./cli/args";
import { opFlags } from "./cli/op-flags";
import { STANDIN_VERSION } from "./backend/state";
import type { CommandHelp } from "./cli/help";
import { commandHelp } from "./cli/help";
import { abortGrpc, resetCommandState, setOwnerCheck } from "./command-state";

interface Command extends CommandHelp {
  flags: FlagSpec;
  run: (args: ParsedArgs) => Promise<number>;
}

const STACK: FlagSpec = { stack: "string" };
const JSON_FLAG: FlagSpec = { json: "bool" };
/** `config` and its subcommands take the stack's config file from `--config-file` (a persistent flag of `config`). */
const CONFIG: FlagSpec = { ...STACK, "config-file": "string" };

const stackCmds = async () => import("./cli/stack-commands");
const stateCmds = async () => import("./cli/state-commands");
const configCmds = async () => import("./cli/config-commands");
const extraCmds = async () => import("./cli/extra-commands");
const opCmds = async () => import("./cli/op-commands");

/**
 * Every command the stand-in implements, keyed by its words. Handlers are required lazily so `version` (run on
 * every LocalWorkspace creation) loads nothing but this table.
 */
const COMMANDS: Record<string, Command> = {
  version: {
    use: "version",
    short: "Print Pulumi's version number",
    flags: {},
    run: async () => (process.stdout.write(`v${STANDIN_VERSION}\n`), 0),
  },
  whoami: {
    use: "whoami [flags]",
    short: "Display the current logged-in user",
    flags: { ...JSON_FLAG, verbose: "bool" },
    run: async (a) => (await stackCmds()).whoami(a),
  },
  cancel: {
    use: "cancel [<stack-name>] [flags]",
    short: "Cancel a stack's currently running update, if any",
    flags: { ...STACK, yes: "bool" },
    run: async (a) => (await stackCmds()).cancel(a),
  },
  stack: {
    use: "stack [flags]",
    short: "Manage stacks and view stack state",
    flags: { ...STACK, "show-ids": "bool", "show-name": "bool", "show-secrets": "bool", "show-urns": "bool" },
    run: async (a) => (await extraCmds()).stackInfo(a),
  },
  "stack init": {
    use: "stack init [<org-name>/]<stack-name> [flags]",
    short: "Create an empty stack with the given name, ready for updates",
    flags: { ...STACK, "secrets-provider": "string", "no-select": "bool" },
    run: async (a) => (await stackCmds()).stackInit(a),
  },
  "stack select": {
    use: "stack select [<stack>] [flags]",
    short: "Switch the current workspace to the given stack",
    flags: { ...STACK, create: "bool", "secrets-provider": "string" },
    run: async (a) => (await stackCmds()).stackSelect(a),
  },
  "stack ls": {
    use: "stack ls [flags]",
    short: "List stacks",
    flags: { ...JSON_FLAG, all: "bool" },
    run: async (a) => (await stackCmds()).stackLs(a),
  },
  "stack rm": {
    use: "stack rm [<stack-name>] [flags]",
    short: "Remove a stack and its configuration",
    flags: { ...STACK, yes: "bool", force: "bool", "preserve-config": "bool" },
    run: async (a) => (await stackCmds()).stackRm(a),
  },
  "stack rename": {
    use: "stack rename <new-stack-name> [flags]",
    short: "Rename an existing stack",
    flags: { ...STACK },
    run: async (a) => (await extraCmds()).stackRename(a),
  },
  "stack output": {
    use: "stack output [<property-name>] [flags]",
    short: "Show a stack's output properties",
    flags: { ...STACK, ...JSON_FLAG, "show-secrets": "bool" },
    run: async (a) => (await stateCmds()).stackOutput(a),
  },
  "stack history": {
    use: "stack history [flags]",
    short: "Display history for a stack",
    flags: { ...STACK, ...JSON_FLAG, "show-secrets": "bool", "page-size": "int", page: "int" },
    run: async (a) => (await stateCmds()).stackHistory(a),
  },
  "stack export": {
    use: "stack export [flags]",
    short: "Export a stack's deployment to standard out",
    flags: { ...STACK, "show-secrets": "bool", file: "string" },
    run: async (a) => (await stateCmds()).stackExport(a),
  },
  "stack import": {
    use: "stack import [flags]",
    short: "Import a deployment from standard in into an existing stack",
    flags: { ...STACK, file: "string", force: "bool" },
    run: async (a) => (await stateCmds()).stackImport(a),
  },
  config: {
    use: "config [flags]",
    short: "Manage configuration",
    flags: { ...CONFIG, ...JSON_FLAG, "show-secrets": "bool", open: "bool" },
    run: async (a) => (await configCmds()).configList(a),
  },
  "config get": {
    use: "config get <key> [flags]",
    short: "Get a single configuration value",
    flags: { ...CONFIG, ...JSON_FLAG, path: "bool", open: "bool" },
    run: async (a) => (await configCmds()).configGet(a),
  },
  "config set": {
    use: "config set <key> [value] [flags]",
    short: "Set configuration value",
    flags: { ...CONFIG, path: "bool", secret: "bool", plaintext: "bool", type: "string" },
    run: async (a) => (await configCmds()).configSet(a),
  },
  "config set-all": {
    use: "config set-all --plaintext key1=value1 --plaintext key2=value2 --secret key3=value3 [flags]",
    short: "Set multiple configuration values",
    flags: { ...CONFIG, path: "bool", secret: "multi", plaintext: "multi", json: "string" },
    run: async (a) => (await configCmds()).configSetAll(a),
  },
  "config rm": {
    use: "config rm <key> [flags]",
    short: "Remove configuration value",
    flags: { ...CONFIG, path: "bool" },
    run: async (a) => (await configCmds()).configRm(a, false),
  },
  "config rm-all": {
    use: "config rm-all <key1> <key2> <key3> ... [flags]",
    short: "Remove multiple configuration values",
    flags: { ...CONFIG, path: "bool" },
    run: async (a) => (await configCmds()).configRm(a, true),
  },
  "config refresh": {
    use: "config refresh [flags]",
    short: "Update the local configuration based on the most recent deployment of the stack",
    flags: { ...CONFIG, force: "bool" },
    run: async (a) => (await configCmds()).configRefresh(a),
  },
  up: {
    use: "up [template|url] [flags]",
    short: "Create or update the resources in a stack",
    flags: opFlags("up"),
    run: async (a) => (await opCmds()).runOperation("update", a),
  },
  preview: {
    use: "preview [flags]",
    short: "Show a preview of updates to a stack's resources",
    flags: opFlags("preview"),
    run: async (a) => (await opCmds()).runOperation("preview", a),
  },
  refresh: {
    use: "refresh [flags]",
    short: "Refresh the resources in a stack",
    flags: opFlags("refresh"),
    run: async (a) => (await opCmds()).runOperation("refresh", a),
  },
  destroy: {
    use: "destroy [flags]",
    short: "Destroy all existing resources in the stack",
    flags: opFlags("destroy"),
    run: async (a) => (await opCmds()).runOperation("destroy", a),
  },
  import: {
    use: "import [type] [name] [id] [flags]",
    short: "Import resources into an existing stack",
    flags: {
      ...STACK,
      yes: "bool",
      "skip-preview": "bool",
      message: "string",
      file: "string",
      out: "string",
      "generate-code": "bool",
      protect: "bool",
      from: "string",
      parent: "string",
      provider: "string",
      properties: "multi",
      diff: "bool",
      json: "bool",
      "suppress-outputs": "bool",
      "suppress-permalink": "string",
      "preview-only": "bool",
      "exec-kind": "string",
      "exec-agent": "string",
      "config-file": "string",
      debug: "bool",
      "suppress-progress": "bool",
    },
    // `import <type> <name> <id> --generate-code=false` is how tenantctl's recovery report adopts an orphan left by a
    // killed run (parent URN and pending operation handled in recovery/import-command.ts); other forms are the SDK's.
    run: async (a) =>
      a.positionals.length === 3 &&
      a.has("generate-code") &&
      !a.bool("generate-code") &&
      !a.has("file") &&
      !a.has("out") &&
      !a.bool("preview-only")
        ? (await import("./recovery/import-command")).importResource(a)
        : (await extraCmds()).importResources(a),
  },
  install: {
    use: "install [flags]",
    short: "Install packages and plugins for the current program or policy pack.",
    flags: {
      "use-language-version-tools": "bool",
      "no-plugins": "bool",
      "no-dependencies": "bool",
      reinstall: "bool",
      stack: "string",
    },
    run: async (a) => (await extraCmds()).install(a),
  },
  "plugin install": {
    use: "plugin install [KIND NAME [VERSION]] [flags]",
    short: "Install one or more plugins",
    flags: { server: "string", exact: "bool", file: "string", reinstall: "bool", checksum: "string" },
    run: async (a) => (await extraCmds()).pluginInstall(a),
  },
  "plugin ls": {
    use: "plugin ls [flags]",
    short: "List plugins",
    flags: { ...JSON_FLAG, project: "bool" },
    run: async (a) => (await extraCmds()).pluginLs(a),
  },
  "plugin rm": {
    use: "plugin rm [KIND [NAME [VERSION]]] [flags]",
    short: "Remove one or more plugins from the download cache",
    flags: { all: "bool", yes: "bool" },
    run: async (a) => (await extraCmds()).pluginRm(a),
  },
  org: {
    use: "org [flags]",
    short: "Manage Organization configuration",
    flags: {},
    run: async (a) => (await extraCmds()).org(a, ""),
  },
  "org get-default": {
    use: "org get-default [flags]",
    short: "Get the default org for the current backend",
    flags: {},
    run: async (a) => (await extraCmds()).org(a, "get-default"),
  },
  "org set-default": {
    use: "org set-default [NAME] [flags]",
    short: "Set the local default organization for the current backend",
    flags: {},
    run: async (a) => (await extraCmds()).org(a, "set-default"),
  },
};

for (const [sub, use, short] of [
  ["add", "config env add <environment-name>... [flags]", "Add environments to a stack"],
  ["ls", "config env ls [flags]", "Lists imported environments."],
  ["rm", "config env rm <environment-name> [flags]", "Remove environment from a stack"],
]) {
  COMMANDS[`config env ${sub}`] = {
    use,
    short,
    flags: { ...CONFIG, ...JSON_FLAG, yes: "bool", "show-secrets": "bool" },
    run: async (a) => (await extraCmds()).configEnv(a),
  };
}

for (const sub of ["get", "set", "rm", "ls"]) {
  COMMANDS[`stack tag ${sub}`] = {
    use: `stack tag ${sub} [flags]`,
    short: `${sub} a stack tag`,
    flags: { ...STACK, ...JSON_FLAG },
    run: async (a) => (await stackCmds()).stackTag(sub, a),
  };
}

const GROUPS: Record<string, CommandHelp> = {
  "": { use: "[flags]", short: "Pulumi - Modern Infrastructure as Code (the tenantctl test stand-in)" },
  "stack tag": { use: "stack tag [command]", short: "Manage stack tags" },
  plugin: { use: "plugin [command]", short: "Manage language and resource provider plugins" },
  "config env": { use: "config env [command]", short: "Manage ESC environments for a stack" },
};

/** The direct subcommands of `words`, for its help and for cobra's "unknown command" answer. */
function subcommandsOf(words: string): [string, CommandHelp][] {
  const prefix = words ? `${words} ` : "";
  const subs = new Map<string, CommandHelp>();
  for (const key of [...Object.keys(COMMANDS), ...Object.keys(GROUPS)]) {
    if (!key.startsWith(prefix) || key === words) continue;
    const next = key.slice(prefix.length).split(" ")[0];
    const full = `${prefix}${next}`;
    if (next && !subs.has(next)) subs.set(next, COMMANDS[full] ?? GROUPS[full] ?? { use: full, short: "" });
  }
  return [...subs.entries()].sort(([a], [b]) => a.localeCompare(b));
}

/** Finds the longest run of leading words naming a command; `--help` prints its usage; the rest fails like cobra. */
async function dispatch(argv: string[]): Promise<number> {
  const words: string[] = [];
  for (const a of argv) {
    if (a.startsWith("-")) break;
    words.push(a);
  }
  for (let n = Math.min(words.length, 3); n >= 0; n--) {
    const key = words.slice(0, n).join(" ");
    const cmd = COMMANDS[key];
    const group = GROUPS[key];
    if (!cmd && !group) continue;
    const args = parseFlags(argv.slice(n), cmd?.flags ?? {});
    if (args.help || !cmd) {
      if (!args.help && args.positionals.length > 0) {
        throw new CliError(`unknown command "${args.positionals[0]}" for "pulumi${key ? ` ${key}` : ""}"`);
      }
      process.stdout.write(commandHelp(key, cmd ?? group, cmd?.flags ?? {}, subcommandsOf(key)));
      return 0;
    }
    if (args.has("config-file")) (await import("./backend/stack-config")).useConfigFile(args.string("config-file"));
    return cmd.run(args);
  }
  throw new CliError(`unknown command "${words[0]}" for "pulumi"`);
}

/**
 * Runs one stand-in `pulumi` command and returns its exit code; never exits the process (main.ts does, the test host
 * in test/support/hosts/standin-worker.js does not). Errors print as `error: <message>` with exit code 255, as the real CLI does.
 */
export async function runStandin(argv: string[]): Promise<number> {
  try {
    return await dispatch(argv);
  } catch (err: unknown) {
    process.stderr.write(`error: ${messageOf(err)}\n`);
    if (!(err instanceof CliError) && process.env.PULUMI_STANDIN_DEBUG && err instanceof Error)
      process.stderr.write(`${err.stack}\n`);
    return err instanceof CliError ? err.exitCode : 255;
  }
}

/**
 * Forgets what one command left in module state (each module registers its own reset: `--config-file`, the monitor's
 * RPC gate; and the gRPC handles it tracked: command-state.ts), for a host that runs many commands in one process.
 */
export function forgetCommandState(): void {
  resetCommandState();
}

export { abortGrpc, setOwnerCheck };
