import { createHash } from "node:crypto";

/**
 * Deterministic stand-in for the randomness AWS and Pulumi use (auto-name suffixes, ids, ARN suffixes):
 * the same seed always yields the same characters, so the same spec yields the same resources.
 */
export function hexFrom(seed: string, length: number): string {
  let out = "";
  for (let i = 0; out.length < length; i += 1) {
    out += createHash("sha256").update(`${seed}#${i}`).digest("hex");
  }
  return out.slice(0, length);
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Secrets Manager appends `-` plus six of these to every secret ARN. */
export function alnumFrom(seed: string, length: number): string {
  const hex = hexFrom(seed, length * 2);
  let out = "";
  for (let i = 0; i < length; i += 1) {
    out += ALNUM[parseInt(hex.slice(i * 2, i * 2 + 2), 16) % ALNUM.length];
  }
  return out;
}

/** RFC 4122 layout (version 4 bits set) so it reads like the ids AWS puts in `rds!db-<uuid>`. */
export function uuidFrom(seed: string): string {
  const h = hexFrom(seed, 32);
  const variant = ((parseInt(h[16] ?? "0", 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

