import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { CliError } from "../errors";

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
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, key, { mode: 0o600 });
  fs.renameSync(tmp, file);
  return key;
}
