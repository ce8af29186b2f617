import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { CliError } from "../errors";
import { tmpNameFor } from "./tmp-name";

/**
 * Test-only speed knob: PULUMI_STANDIN_KDF_CACHE_DIR=<absolute dir> keeps each passphrase key the stand-in derives in
 * that folder, so later commands on the same stack read it instead of deriving it again. The key is still PBKDF2-SHA256
 * with the real CLI's 1,000,000 rounds (tenantctl checks passphrases against the same salts), so stacks stay
 * byte-compatible; only the repeated ~0.25 CPU-seconds per command go. The test helpers point it into their own
 * temporary folder, which holds only keys of test passphrases. Unset: every command derives, as the real CLI does.
 */
export const KDF_CACHE_ENV = "PULUMI_STANDIN_KDF_CACHE_DIR";

export function kdfCacheDir(raw: string | undefined = process.env[KDF_CACHE_ENV]): string | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (!path.isAbsolute(raw))
    throw new CliError(`${KDF_CACHE_ENV} must be an absolute folder path (or unset: no cache), got '${raw}'`);
  return raw;
}

/** `derive(passphrase, salt)`, through the cache when PULUMI_STANDIN_KDF_CACHE_DIR is set. */
export function cachedKey(passphrase: string, salt: Buffer, iterations: number, derive: () => Buffer): Buffer {
  const dir = kdfCacheDir();
  if (dir === undefined) return derive();
  const name = crypto
    .createHash("sha256")
    .update(`pbkdf2-sha256:${iterations}:${salt.toString("base64")}:`)
    .update(passphrase, "utf8")
    .digest("hex");
  const file = path.join(dir, name);
  try {
    const known = fs.readFileSync(file);
    if (known.length === 32) return known;
  } catch {
    // not cached yet
  }
  const key = derive();
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Written whole then renamed, so a concurrent reader sees either nothing or the full key.
  const tmp = tmpNameFor(file);
  fs.writeFileSync(tmp, key, { mode: 0o600 });
  fs.renameSync(tmp, file);
  return key;
}

/**
 * The salt for a new stack's passphrase secrets manager. Unset knob: `fresh()` (random, as the real CLI). With
 * PULUMI_STANDIN_KDF_CACHE_DIR set, the first new stack under a passphrase gets a fresh random salt, which is
 * remembered in the folder (`salt-<hash>`), and later new stacks under that passphrase reuse it, so `stack init`
 * finds its key in the cache instead of spending ~0.3 CPU-seconds of PBKDF2 on a salt no other command will share.
 * The salt state (`encryptionsalt`, `v1:<salt>:<encrypted "pulumi">`) still differs per stack (a fresh nonce) and
 * every secret has its own nonce; only the salt bytes — and so the key — are shared between the stacks of one
 * passphrase in one test folder, which a real backend would not do.
 */
export function saltForNewStack(passphrase: string, iterations: number, fresh: () => Buffer): Buffer {
  const dir = kdfCacheDir();
  if (dir === undefined) return fresh();
  const name = crypto
    .createHash("sha256")
    .update(`new-stack-salt:pbkdf2-sha256:${iterations}:`)
    .update(passphrase, "utf8")
    .digest("hex");
  const file = path.join(dir, `salt-${name}`);
  try {
    const known = fs.readFileSync(file);
    if (known.length > 0) return known;
  } catch {
    // no stack made under this passphrase yet
  }
  const salt = fresh();
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = tmpNameFor(file);
  fs.writeFileSync(tmp, salt, { mode: 0o600 });
  fs.renameSync(tmp, file);
  return salt;
}
