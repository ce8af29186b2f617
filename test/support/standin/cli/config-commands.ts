import * as fs from "node:fs";
import type { Crypter } from "../backend/crypto";
import type { PathElement } from "../backend/config-path";
import {
  getAtPath,
  parseConfigKey,
  parsePropertyPath,
  pathValue,
  removeAtPath,
  setAtPath,
} from "../backend/config-path";
import type { ProjectSettings, StackRef } from "../backend/project";
import type { ConfigEntry, StackConfigFile } from "../backend/stack-config";
import {
  configEntries,
  hasSecureValues,
  openCrypter,
  readStackConfig,
  secureValue,
  stackConfigPath,
  writeStackConfig,
} from "../backend/stack-config";
import { CliError } from "../errors";
import type { ParsedArgs } from "./args";
import { expectArgs } from "./args";
import { Context, print, printJson } from "./context";

function crypterIfNeeded(ctx: Context, ref: StackRef): Crypter | undefined {
  const cfg = readStackConfig(ctx.project, ref);
  return hasSecureValues(cfg) ? openCrypter(ctx.project, ref, ctx.store) : undefined;
}

/** A key as the command line gives it: the config key, and with `--path` the property path below it. */
interface KeyPath {
  key: string;
  path: PathElement[];
}

function parseKeyArg(project: ProjectSettings, raw: string, usePath: boolean): KeyPath {
  if (!usePath) return { key: parseConfigKey(raw, project.name), path: [] };
  const elements = parsePropertyPath(raw);
  const [first, ...rest] = elements;
  if (typeof first !== "string")
    throw new CliError(`invalid configuration key: ${raw}: the first path element must be a key name`);
  return { key: parseConfigKey(first, project.name), path: rest };
}

/** The key as `config` prints it: the project's own keys without their namespace. */
const prettyKey = (project: ProjectSettings, key: string): string =>
  key.startsWith(`${project.name}:`) ? key.slice(project.name.length + 1) : key;

/** `config --json`'s shape (configValueJSON): a blinded secret has no value at all. */
function entryJson(e: ConfigEntry, blinded: boolean): Record<string, unknown> {
  if (blinded && e.secret) return { secret: true };
  return { value: e.value, ...(e.objectValue !== undefined ? { objectValue: e.objectValue } : {}), secret: e.secret };
}

/** `pulumi config [--show-secrets] [--json]` */
export async function configList(args: ParsedArgs): Promise<number> {
  expectArgs(args, 0, 0, "config");
  const ctx = Context.load();
  const ref = ctx.existingStack(args);
  const showSecrets = args.bool("show-secrets");
  const cfg = readStackConfig(ctx.project, ref);
  const entries = configEntries(cfg, showSecrets ? crypterIfNeeded(ctx, ref) : "blind");
  const keys = Object.keys(entries).sort();
  if (args.bool("json")) {
    printJson(Object.fromEntries(keys.map((k) => [k, entryJson(entries[k], !showSecrets)])));
  } else {
    print(["KEY  VALUE", ...keys.map((k) => `${prettyKey(ctx.project, k)}  ${entries[k].value}`)].join("\n"));
  }
  return 0;
}

export async function configGet(args: ParsedArgs): Promise<number> {
  expectArgs(args, 1, 1, "config get");
  const ctx = Context.load();
  const ref = ctx.existingStack(args);
  const { key, path } = parseKeyArg(ctx.project, args.positionals[0], args.bool("path"));
  const cfg = readStackConfig(ctx.project, ref);
  const crypter = crypterIfNeeded(ctx, ref);
  let entry: ConfigEntry | undefined = configEntries({ config: { [key]: cfg.config?.[key] } }, crypter)[key];
  if (entry && cfg.config?.[key] === undefined) entry = undefined;
  if (entry && path.length > 0) {
    const raw = cfg.config?.[key];
    const found = getAtPath(raw, path);
    if (!found.found) entry = undefined;
    else entry = configEntries({ config: { [key]: found.value } }, crypter)[key];
  }
  if (!entry) {
    throw new CliError(
      `configuration key '${args.bool("path") ? args.positionals[0] : prettyKey(ctx.project, key)}' not found for stack '${ctx.displayName(ref)}'`,
    );
  }
  // The real CLI indents this one with two spaces (json.MarshalIndent), unlike the other --json outputs.
  if (args.bool("json")) print(JSON.stringify(entryJson(entry, false), null, 2));
  else print(entry.value);
  return 0;
}

/** Writes one value: top-level as given, below a `--path` typed (booleans, integers) as the real CLI does. */
function setValue(
  cfg: StackConfigFile,
  kp: KeyPath,
  value: string,
  crypter: Crypter | undefined,
  typed?: unknown,
): void {
  const leaf = crypter ? secureValue(value, crypter) : kp.path.length > 0 ? pathValue(value) : (typed ?? value);
  const config = { ...(cfg.config ?? {}) };
  const current = config[kp.key];
  if (kp.path.length > 0 && typeof current === "string") {
    throw new CliError(`could not set config: ${kp.key} is a string value, not a map or list`);
  }
  config[kp.key] = setAtPath(kp.path.length > 0 ? current : undefined, kp.path, leaf);
  cfg.config = config;
}

const TYPES = ["string", "int", "bool", "float"];

function typedValue(value: string, type: string | undefined): unknown {
  if (type === undefined || type === "" || type === "string") return value;
  if (!TYPES.includes(type)) throw new CliError(`invalid type "${type}"; must be one of string, int, bool, or float`);
  if (type === "bool") {
    if (value !== "true" && value !== "false")
      throw new CliError(`could not set config: ${JSON.stringify(value)} is not a bool`);
    return value === "true";
  }
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || (type === "int" && !Number.isInteger(n))) {
    throw new CliError(
      `could not set config: ${JSON.stringify(value)} is not ${type === "int" ? "an int" : "a float"}`,
    );
  }
  return n;
}

export async function configSet(args: ParsedArgs): Promise<number> {
  expectArgs(args, 1, 2, "config set");
  const exclusive = ["plaintext", "secret", "type"].filter((f) => args.has(f)).sort();
  if (exclusive.length > 1) {
    throw new CliError(
      `if any flags in the group [secret plaintext type] are set none of the others can be; [${exclusive.join(" ")}] were all set`,
    );
  }
  const ctx = Context.load();
  const ref = ctx.existingStack(args);
  const kp = parseKeyArg(ctx.project, args.positionals[0], args.bool("path"));
  // The real CLI reads a missing value from a piped stdin; the SDK always passes it, and a test's open pipe would hang.
  if (args.positionals.length < 2) throw new CliError("config value must be specified in non-interactive mode");
  const value = args.positionals[1];
  const cfg = readStackConfig(ctx.project, ref);
  const crypter = args.bool("secret") ? openCrypter(ctx.project, ref, ctx.store) : undefined;
  setValue(cfg, kp, value, crypter, typedValue(value, args.string("type")));
  writeStackConfig(ctx.project, ref, { ...readStackConfig(ctx.project, ref), config: cfg.config });
  return 0;
}

/** `parseKeyValuePair`: `key=value`, the key split at the first `=` (a `--path` key may quote an `=`). */
function keyValue(pair: string): [string, string] {
  const eq = pair.indexOf("=");
  if (eq < 0) throw new CliError(`could not parse ${pair} as a configuration key value pair`);
  return [pair.slice(0, eq), pair.slice(eq + 1)];
}

/** `config set-all --plaintext k=v --secret k=v [--path]`, or `--json '<pulumi config --json output>'`. */
export async function configSetAll(args: ParsedArgs): Promise<number> {
  expectArgs(args, 0, 0, "config set-all");
  const json = args.string("json");
  if (
    json !== undefined &&
    (args.multi("plaintext").length > 0 || args.multi("secret").length > 0 || args.bool("path"))
  ) {
    throw new CliError("--json cannot be combined with --plaintext, --secret or --path");
  }
  const ctx = Context.load();
  const ref = ctx.existingStack(args);
  const cfg = readStackConfig(ctx.project, ref);
  const usePath = args.bool("path");
  let crypter: Crypter | undefined;
  const secretCrypter = (): Crypter => (crypter ??= openCrypter(ctx.project, ref, ctx.store));
  if (json !== undefined) {
    for (const [rawKey, e] of Object.entries(parseConfigJson(json))) {
      const kp = { key: parseConfigKey(rawKey, ctx.project.name), path: [] };
      const text = e.objectValue !== undefined ? JSON.stringify(e.objectValue) : e.value;
      if (text === undefined) {
        throw new CliError(
          `config value for '${rawKey}' has no value (a blinded secret: export the config with --show-secrets)`,
        );
      }
      if (e.objectValue !== undefined && !e.secret) {
        cfg.config = { ...(cfg.config ?? {}), [kp.key]: e.objectValue };
        continue;
      }
      setValue(cfg, kp, text, e.secret ? secretCrypter() : undefined);
    }
  } else {
    for (const pair of args.multi("plaintext")) {
      const [k, v] = keyValue(pair);
      setValue(cfg, parseKeyArg(ctx.project, k, usePath), v, undefined);
    }
    for (const pair of args.multi("secret")) {
      const [k, v] = keyValue(pair);
      setValue(cfg, parseKeyArg(ctx.project, k, usePath), v, secretCrypter());
    }
  }
  writeStackConfig(ctx.project, ref, { ...readStackConfig(ctx.project, ref), config: cfg.config });
  return 0;
}

interface ConfigJsonEntry {
  value?: string;
  objectValue?: unknown;
  secret?: boolean;
}

function parseConfigJson(text: string): Record<string, ConfigJsonEntry> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new CliError(`could not parse --json value: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new CliError(
      "could not parse --json value: expected an object of key → {value, secret}, as `pulumi config --json` prints",
    );
  }
  return parsed as Record<string, ConfigJsonEntry>;
}

export async function configRm(args: ParsedArgs, all: boolean): Promise<number> {
  if (all) {
    if (args.positionals.length < 1) throw new CliError("requires at least 1 arg(s), only received 0");
  } else expectArgs(args, 1, 1, "config rm");
  const ctx = Context.load();
  const ref = ctx.existingStack(args);
  const cfg = readStackConfig(ctx.project, ref);
  const config = { ...(cfg.config ?? {}) };
  for (const raw of args.positionals) {
    const kp = parseKeyArg(ctx.project, raw, args.bool("path"));
    if (kp.path.length === 0) delete config[kp.key];
    else if (config[kp.key] !== undefined) config[kp.key] = removeAtPath(config[kp.key], kp.path);
  }
  writeStackConfig(ctx.project, ref, { ...cfg, config });
  return 0;
}

/** `config refresh [--force]`: restores the stack's config file from the config saved with the last update. */
export async function configRefresh(args: ParsedArgs): Promise<number> {
  expectArgs(args, 0, 0, "config refresh");
  const ctx = Context.load();
  const ref = ctx.existingStack(args);
  const checkpoint = ctx.store.read(ref).checkpoint;
  const salt = checkpoint.latest?.secrets_providers?.state.salt;
  if (!checkpoint.config)
    throw new CliError(`stack '${ctx.displayName(ref)}' has no previous deployment with configuration`);
  const file = stackConfigPath(ctx.project, ref);
  // Like the real CLI: without --force an existing file is kept as <file>.bak (then .bak.bak, …).
  const backedUp = fs.existsSync(file) && !args.bool("force");
  if (backedUp) {
    let backup = `${file}.bak`;
    while (fs.existsSync(backup)) backup += ".bak";
    fs.renameSync(file, backup);
    print(`backed up existing configuration file to ${backup}`);
  }
  writeStackConfig(ctx.project, ref, { ...(salt ? { encryptionsalt: salt } : {}), config: checkpoint.config });
  if (backedUp) print(`refreshed configuration for stack '${ctx.displayName(ref)}'`);
  return 0;
}

/** `up/preview/destroy --config k=v [--config-path]`: saved to the stack's config before the operation runs. */
export function saveConfigArray(ctx: Context, ref: StackRef, pairs: string[], usePath: boolean): void {
  if (pairs.length === 0) return;
  const cfg = readStackConfig(ctx.project, ref);
  for (const pair of pairs) {
    const [k, v] = keyValue(pair);
    setValue(cfg, parseKeyArg(ctx.project, k, usePath), v, undefined);
  }
  writeStackConfig(ctx.project, ref, { ...readStackConfig(ctx.project, ref), config: cfg.config });
}
