// The immutable tenant id of a pool-born tenant: the key of every physical name of its stack, chosen before the
// customer (and so the slug) is known. Tenants created before the pool have none; their names keep using the slug.
import { randomBytes } from "node:crypto";
import { show } from "./spec-rules";

/** `t` + 10 characters of RFC 4648 base32 (lower case): 50 random bits, a valid slug and DNS label of 11 characters. */
export const TENANT_ID_PATTERN = /^t[a-z2-7]{10}$/;
const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

export function tenantIdProblem(value: string): string | undefined {
  return TENANT_ID_PATTERN.test(value)
    ? undefined
    : `${show(value)} is not a tenant id (allowed: "t" followed by 10 of a-z and 2-7, e.g. "tq3x7k2mzpa")`;
}

/** A fresh id from `bytes` random bytes (injected by tests); 7 bytes give 56 bits, of which 50 are used. */
export function newTenantId(bytes: Buffer = randomBytes(7)): string {
  let bits = 0n;
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
  let id = "t";
  for (let i = 0; i < 10; i += 1) {
    id += BASE32[Number(bits & 31n)] ?? "a";
    bits >>= 5n;
  }
  return id;
}

/**
 * The key physical names are derived from: the tenant id when the tenant has one, else its slug (every tenant
 * created before the pool), so an existing tenant's names, URNs and resources stay exactly as they were.
 */
export function namingKey(spec: { readonly slug: string; readonly tenantId?: string | undefined }): string {
  return spec.tenantId ?? spec.slug;
}
