// The stand-in's test-only cache of derived passphrase keys (PULUMI_STANDIN_KDF_CACHE_DIR): off unless set, the same
// real-format key either way, one derivation per passphrase and salt, and wrong passphrases still refused.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Crypter, INCORRECT_PASSPHRASE } from "../support/standin/backend/crypto";
import { cachedKey, KDF_CACHE_ENV, kdfCacheDir } from "../support/standin/backend/kdf-cache";

function withCacheDir<T>(dir: string | undefined, fn: () => T): T {
  const saved = process.env[KDF_CACHE_ENV];
  if (dir === undefined) delete process.env[KDF_CACHE_ENV];
  else process.env[KDF_CACHE_ENV] = dir;
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env[KDF_CACHE_ENV];
    else process.env[KDF_CACHE_ENV] = saved;
  }
}

describe("PULUMI_STANDIN_KDF_CACHE_DIR", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kdf-cache-"));
  const cache = path.join(dir, "cache");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const salt = Buffer.from("0123456789abcdef", "hex");
  const real = (passphrase: string): Buffer => crypto.pbkdf2Sync(passphrase, salt, 1_000_000, 32, "sha256");

  it("is off when unset or empty, and refuses a relative folder naming the value", () => {
    expect(kdfCacheDir(undefined)).toBeUndefined();
    expect(kdfCacheDir("")).toBeUndefined();
    expect(kdfCacheDir("/tmp/x")).toBe("/tmp/x");
    expect(() => kdfCacheDir("cache")).toThrow(
      "PULUMI_STANDIN_KDF_CACHE_DIR must be an absolute folder path (or unset: no cache), got 'cache'",
    );
  });

  it("without it every call derives", () => {
    const derive = jest.fn(() => real("p"));
    withCacheDir(undefined, () => [cachedKey("p", salt, 1_000_000, derive), cachedKey("p", salt, 1_000_000, derive)]);
    expect(derive).toHaveBeenCalledTimes(2);
  });

  it("with it derives once per passphrase and salt and returns the same key", () => {
    const derive = jest.fn(() => real("p"));
    const keys = withCacheDir(cache, () => [
      cachedKey("p", salt, 1_000_000, derive),
      cachedKey("p", salt, 1_000_000, derive),
    ]);
    expect(derive).toHaveBeenCalledTimes(1);
    expect(keys[0]).toEqual(real("p"));
    expect(keys[1]).toEqual(real("p"));
    const other = jest.fn(() => real("q"));
    expect(withCacheDir(cache, () => cachedKey("q", salt, 1_000_000, other))).toEqual(real("q"));
    expect(other).toHaveBeenCalledTimes(1);
    expect(fs.readdirSync(cache)).toHaveLength(2);
  });

  it("keeps the real CLI's format: a salt made through the cache opens without it, and a wrong passphrase is refused", () => {
    const { crypter, salt: state } = withCacheDir(cache, () => Crypter.create("right"));
    const ciphertext = crypter.encrypt("s3cret");
    expect(withCacheDir(undefined, () => Crypter.open("right", state).decrypt(ciphertext))).toBe("s3cret");
    expect(withCacheDir(cache, () => Crypter.open("right", state).decrypt(ciphertext))).toBe("s3cret");
    expect(() => withCacheDir(cache, () => Crypter.open("wrong", state))).toThrow(INCORRECT_PASSPHRASE);
  });

  it("reuses a passphrase's first new-stack salt for later new stacks only with it, each with its own salt state", () => {
    const saltBytes = (state: string): string => state.split(":")[1];
    const first = withCacheDir(cache, () => Crypter.create("shared"));
    const second = withCacheDir(cache, () => Crypter.create("shared"));
    const other = withCacheDir(cache, () => Crypter.create("another"));
    expect(saltBytes(second.salt)).toBe(saltBytes(first.salt));
    expect(second.salt).not.toBe(first.salt);
    expect(saltBytes(other.salt)).not.toBe(saltBytes(first.salt));
    // Each opens without the cache (real format) and refuses the other passphrase.
    expect(
      withCacheDir(undefined, () => Crypter.open("shared", second.salt).decrypt(second.crypter.encrypt("x"))),
    ).toBe("x");
    expect(() => withCacheDir(cache, () => Crypter.open("another", first.salt))).toThrow(INCORRECT_PASSPHRASE);
    const fresh = withCacheDir(undefined, () => Crypter.create("shared"));
    expect(saltBytes(fresh.salt)).not.toBe(saltBytes(first.salt));
  });
});
