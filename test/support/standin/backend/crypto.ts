import * as crypto from "node:crypto";
import * as fs from "node:fs";
import { CliError } from "../errors";
import { cachedKey, saltForNewStack } from "./kdf-cache";

/**
 * The passphrase secrets manager, in the real CLI's formats: the salt state is `v1:<salt>:<encrypted "pulumi">` and
 * each ciphertext `v1:<nonce>:<AES-256-GCM ciphertext+tag>`, all base64, with a PBKDF2-SHA256 key (1,000,000 rounds).
 */
const ITERATIONS = 1_000_000;
const CHECK_PLAINTEXT = "pulumi";

export const MISSING_PASSPHRASE =
  "passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE environment variables";
/** The real CLI's ErrIncorrectPassphrase (pkg/secrets/passphrase/manager.go), for a salt from Pulumi.<stack>.yaml. */
export const INCORRECT_PASSPHRASE = "incorrect passphrase";
/** Its locked manager's error, when the salt comes from the checkpoint (the work directory lost the stack file). */
export const INCORRECT_PASSPHRASE_FROM_STATE =
  "failed to decrypt: incorrect passphrase, please set PULUMI_CONFIG_PASSPHRASE to the correct passphrase or set PULUMI_CONFIG_PASSPHRASE_FILE to a file containing the passphrase";

export function readPassphrase(): string {
  const direct = process.env.PULUMI_CONFIG_PASSPHRASE;
  if (direct !== undefined) return direct;
  const file = process.env.PULUMI_CONFIG_PASSPHRASE_FILE;
  if (file) {
    try {
      return fs.readFileSync(file, "utf8").replace(/\r?\n$/, "");
    } catch (err) {
      throw new CliError(`unable to read PULUMI_CONFIG_PASSPHRASE_FILE: ${(err as Error).message}`);
    }
  }
  throw new CliError(MISSING_PASSPHRASE);
}

export class Crypter {
  private constructor(private readonly key: Buffer) {}

  encrypt(plaintext: string): string {
    const nonce = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv("aes-256-gcm", this.key, nonce);
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
    return `v1:${nonce.toString("base64")}:${body.toString("base64")}`;
  }

  decrypt(ciphertext: string): string {
    const parts = ciphertext.split(":");
    if (parts.length !== 3 || parts[0] !== "v1") throw new CliError("invalid ciphertext, unknown version");
    const nonce = Buffer.from(parts[1], "base64");
    const body = Buffer.from(parts[2], "base64");
    const decipher = crypto.createDecipheriv("aes-256-gcm", this.key, nonce);
    decipher.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString("utf8");
  }

  /**
   * A new manager with a fresh salt (under PULUMI_STANDIN_KDF_CACHE_DIR, the passphrase's remembered one: kdf-cache.ts);
   * returns the salt state to store as `encryptionsalt`.
   */
  static create(passphrase: string): { crypter: Crypter; salt: string } {
    const saltBytes = saltForNewStack(passphrase, ITERATIONS, () => crypto.randomBytes(8));
    const crypter = new Crypter(derive(passphrase, saltBytes));
    return { crypter, salt: `v1:${saltBytes.toString("base64")}:${crypter.encrypt(CHECK_PLAINTEXT)}` };
  }

  /** Opens an existing salt state; a wrong passphrase fails with the real CLI's message. */
  static open(passphrase: string, salt: string): Crypter {
    const parts = salt.split(":");
    if (parts.length !== 5 || parts[0] !== "v1") throw new CliError(`bad encryption salt '${salt}'`);
    const crypter = new Crypter(derive(passphrase, Buffer.from(parts[1], "base64")));
    try {
      if (crypter.decrypt(parts.slice(2).join(":")) === CHECK_PLAINTEXT) return crypter;
    } catch {
      // fall through: GCM authentication failure means the key is wrong
    }
    throw new CliError(INCORRECT_PASSPHRASE);
  }
}

function derive(passphrase: string, salt: Buffer): Buffer {
  return cachedKey(passphrase, salt, ITERATIONS, () => crypto.pbkdf2Sync(passphrase, salt, ITERATIONS, 32, "sha256"));
}
