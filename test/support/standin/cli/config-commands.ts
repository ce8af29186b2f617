import type { Crypter } from "../backend/crypto";
import type { StackRef } from "../backend/project";
import {
  configEntries,
  fullKey,
  hasSecureValues,
  openCrypter,
  readStackConfig,
  setEntry,
  writeStackConfig,
} from "../backend/stack-config";
import { CliError } from "../errors";
import type { ParsedArgs } from "./args";
import { expectArgs, rejectUnsupported } from "./args";
import { Context, print, printJson } from "./context";

function crypterIfNeeded(ctx: Context, ref: StackRef): Crypter | undefined {
  const cfg = readStackConfig(ctx.project, ref);
  return hasSecureValues(cfg) ? openCrypter(ctx.project, ref, ctx.store) : undefined;
}

/** `pulumi config [--show-secrets] [--json]` */
export async function configList(args: ParsedArgs): Promise<number> {
  expectArgs(args, 0, 0, "config");
  const ctx = Context.load();
  const ref = ctx.existingStack(args);
  const showSecrets = args.bool("show-secrets");
  const cfg = readStackConfig(ctx.project, ref);
  const entries = configEntries(cfg, showSecrets ? crypterIfNeeded(ctx, ref) : undefined);
  const shown = Object.fromEntries(
    Object.entries(entries).map(([k, e]) => [k, e.secret && !showSecrets ? { value: "[secret]", secret: true } : e]),
  );
  if (args.bool("json")) printJson(shown);
  else print(["KEY  VALUE", ...Object.entries(shown).map(([k, e]) => `${k}  ${e.value}`)].join("\n"));
  return 0;
}

export async function configGet(args: ParsedArgs): Promise<number> {
  expectArgs(args, 1, 1, "config get");
  rejectUnsupported(args, ["path"]);
  const ctx = Context.load();
  const ref = ctx.existingStack(args);
  const key = fullKey(ctx.project, args.positionals[0]);
  const entry = configEntries(readStackConfig(ctx.project, ref), crypterIfNeeded(ctx, ref))[key];
  if (!entry) {
    throw new CliError(`configuration key '${args.positionals[0]}' not found for stack '${ctx.displayName(ref)}'`);
  }
  if (args.bool("json")) printJson(entry);
  else print(entry.value);
  return 0;
}

export async function configSet(args: ParsedArgs): Promise<number> {
  expectArgs(args, 1, 2, "config set");
  rejectUnsupported(args, ["path"]);
  const ctx = Context.load();
  const ref = ctx.existingStack(args);
  if (args.positionals.length < 2) throw new CliError("value must be specified in non-interactive mode");
  const cfg = readStackConfig(ctx.project, ref);
  const secret = args.bool("secret");
  setEntry(cfg, fullKey(ctx.project, args.positionals[0]), args.positionals[1], secret ? openCrypter(ctx.project, ref, ctx.store) : undefined);
  writeStackConfig(ctx.project, ref, { ...readStackConfig(ctx.project, ref), config: cfg.config });
  return 0;
}

/** `config set-all --plaintext k=v --secret k=v …` */
export async function configSetAll(args: ParsedArgs): Promise<number> {
  expectArgs(args, 0, 0, "config set-all");
  rejectUnsupported(args, ["path", "json"]);
  const ctx = Context.load();
  const ref = ctx.existingStack(args);
  const cfg = readStackConfig(ctx.project, ref);
  const secrets = args.multi("secret");
  const crypter = secrets.length > 0 ? openCrypter(ctx.project, ref, ctx.store) : undefined;
  const pairs: [string, Crypter | undefined][] = [
    ...args.multi("plaintext").map((p): [string, undefined] => [p, undefined]),
    ...secrets.map((p): [string, Crypter | undefined] => [p, crypter]),
  ];
  for (const [pair, c] of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new CliError(`could not parse ${pair} as a configuration key value pair`);
    setEntry(cfg, fullKey(ctx.project, pair.slice(0, eq)), pair.slice(eq + 1), c);
  }
  writeStackConfig(ctx.project, ref, { ...readStackConfig(ctx.project, ref), config: cfg.config });
  return 0;
}

export async function configRm(args: ParsedArgs, all: boolean): Promise<number> {
  rejectUnsupported(args, ["path"]);
  if (!all) expectArgs(args, 1, 1, "config rm");
  const ctx = Context.load();
  const ref = ctx.existingStack(args);
  const cfg = readStackConfig(ctx.project, ref);
  const config = { ...(cfg.config ?? {}) };
  for (const k of args.positionals) delete config[fullKey(ctx.project, k)];
  writeStackConfig(ctx.project, ref, { ...cfg, config });
  return 0;
}

/** `config refresh --force`: restores Pulumi.<stack>.yaml from the config saved with the last update. */
export async function configRefresh(args: ParsedArgs): Promise<number> {
  expectArgs(args, 0, 0, "config refresh");
  const ctx = Context.load();
  const ref = ctx.existingStack(args);
  const checkpoint = ctx.store.read(ref).checkpoint;
  const salt = checkpoint.latest?.secrets_providers?.state.salt;
  if (!checkpoint.config) throw new CliError(`stack '${ctx.displayName(ref)}' has no previous deployment with configuration`);
  const existing = readStackConfig(ctx.project, ref);
  if (Object.keys(existing.config ?? {}).length > 0 && !args.bool("force")) {
    throw new CliError(`configuration for stack '${ctx.displayName(ref)}' already exists; use --force to overwrite it`);
  }
  writeStackConfig(ctx.project, ref, { ...(salt ? { encryptionsalt: salt } : {}), config: checkpoint.config });
  return 0;
}
