import * as fs from "node:fs";
import * as path from "node:path";
import { CliError } from "../errors";
import { resetWithEachCommand } from "../command-state";
import { Crypter, INCORRECT_PASSPHRASE, INCORRECT_PASSPHRASE_FROM_STATE, readPassphrase } from "./crypto";
import type { ProjectSettings, StackRef } from "./project";
import { readYamlFile, writeYamlFile } from "./project";
import type { Store } from "./store";

/** `Pulumi.<stack>.yaml` next to Pulumi.yaml: the encryption salt and the stack's config (secrets as `secure:`). */
export interface StackConfigFile {
  secretsprovider?: string;
  encryptionsalt?: string;
  config?: Record<string, unknown>;
  [other: string]: unknown;
}

export interface ConfigEntry {
  value: string;
  secret: boolean;
  /** The structured value, for keys set with `--path` or `set-all --json` objects. */
  objectValue?: unknown;
}

let configFileOverride: string | undefined;
resetWithEachCommand(() => {
  configFileOverride = undefined;
});

/** `--config-file <file>`: every command reads and writes the stack's config there instead (relative to cwd). */
export function useConfigFile(file: string | undefined): void {
  configFileOverride = file ? path.resolve(file) : undefined;
}

export function stackConfigPath(project: ProjectSettings, ref: StackRef): string {
  return configFileOverride ?? path.join(project.dir, `Pulumi.${ref.stack}.yaml`);
}

export function readStackConfig(project: ProjectSettings, ref: StackRef): StackConfigFile {
  const file = stackConfigPath(project, ref);
  if (!fs.existsSync(file)) return {};
  return (readYamlFile(file) as StackConfigFile | null) ?? {};
}

export function writeStackConfig(project: ProjectSettings, ref: StackRef, cfg: StackConfigFile): void {
  writeYamlFile(stackConfigPath(project, ref), cfg);
}

/** Keys without a namespace belong to the project, as in the real CLI. */
export function fullKey(project: ProjectSettings, key: string): string {
  if (key.includes(":")) return key;
  return `${project.name}:${key}`;
}

/**
 * The stack's passphrase crypter. The salt lives in Pulumi.<stack>.yaml; when a work directory lost that file the
 * salt from the checkpoint's secrets_providers is used and written back, so any machine with the backend can operate.
 */
export function openCrypter(project: ProjectSettings, ref: StackRef, store: Store): Crypter {
  const cfg = readStackConfig(project, ref);
  if (cfg.secretsprovider && cfg.secretsprovider !== "passphrase") {
    throw new CliError(`secrets provider '${cfg.secretsprovider}' is not supported by the tenantctl test stand-in`);
  }
  const passphrase = readPassphrase();
  let salt = cfg.encryptionsalt;
  if (!salt && store.exists(ref)) salt = store.read(ref).checkpoint.latest?.secrets_providers?.state.salt;
  if (salt) {
    const crypter = openSalt(passphrase, salt, !cfg.encryptionsalt);
    if (!cfg.encryptionsalt) writeStackConfig(project, ref, { ...cfg, encryptionsalt: salt });
    return crypter;
  }
  const created = Crypter.create(passphrase);
  writeStackConfig(project, ref, { ...cfg, encryptionsalt: created.salt });
  return created.crypter;
}

function openSalt(passphrase: string, salt: string, fromState: boolean): Crypter {
  try {
    return Crypter.open(passphrase, salt);
  } catch (err) {
    if (fromState && err instanceof CliError && err.message === INCORRECT_PASSPHRASE)
      throw new CliError(INCORRECT_PASSPHRASE_FROM_STATE);
    throw err;
  }
}

export function saltOf(project: ProjectSettings, ref: StackRef): string | undefined {
  return readStackConfig(project, ref).encryptionsalt;
}

function isSecure(v: unknown): v is { secure: string } {
  return typeof v === "object" && v !== null && typeof (v as { secure?: unknown }).secure === "string";
}

/** Whether a config value holds a `secure:` leaf anywhere (structured values set with `--path --secret`). */
function containsSecure(v: unknown): boolean {
  if (isSecure(v)) return true;
  if (Array.isArray(v)) return v.some(containsSecure);
  if (typeof v === "object" && v !== null) return Object.values(v).some(containsSecure);
  return false;
}

function decryptTree(v: unknown, crypter: Crypter): unknown {
  if (isSecure(v)) return crypter.decrypt(v.secure);
  if (Array.isArray(v)) return v.map((x) => decryptTree(x, crypter));
  if (typeof v === "object" && v !== null)
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decryptTree(x, crypter)]));
  return v;
}

export function hasSecureValues(cfg: StackConfigFile): boolean {
  return Object.values(cfg.config ?? {}).some(containsSecure);
}

/**
 * Decrypted config entries; `crypter` may be omitted only when no value is secure. A structured value is its JSON
 * text (what the program receives), secret when any leaf is, with `objectValue` as `config --json` prints it.
 */
export function configEntries(
  cfg: StackConfigFile,
  crypter: Crypter | "blind" | undefined,
): Record<string, ConfigEntry> {
  const out: Record<string, ConfigEntry> = {};
  for (const [k, v] of Object.entries(cfg.config ?? {})) {
    const secret = containsSecure(v);
    if (secret && crypter === "blind") {
      out[k] = { value: "[secret]", secret };
      continue;
    }
    if (secret && !crypter) throw new CliError(`config value ${k} is a secret and no passphrase was given`);
    const plain = secret && crypter && crypter !== "blind" ? decryptTree(v, crypter) : v;
    if (typeof plain === "string") out[k] = { value: plain, secret };
    else if (plain === null || typeof plain !== "object") out[k] = { value: String(plain), secret };
    else out[k] = { value: JSON.stringify(plain), secret, objectValue: plain };
  }
  return out;
}

/** Encrypts every leaf of a value for a `--secret` set (top-level or inside a structure). */
export function secureValue(value: string, crypter: Crypter): { secure: string } {
  return { secure: crypter.encrypt(value) };
}

export function setEntry(cfg: StackConfigFile, key: string, value: string, secretCrypter: Crypter | undefined): void {
  cfg.config = { ...(cfg.config ?? {}), [key]: secretCrypter ? { secure: secretCrypter.encrypt(value) } : value };
}
