import { createHash } from "node:crypto";
import type { SimContext } from "./types";

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

/** ARN and id shapes as each AWS service prints them (partition `aws`; GovCloud and China are out of scope). */
export function arn(service: string, ctx: SimContext, resource: string, opts?: { global?: boolean }): string {
  const region = opts?.global === true ? "" : ctx.region;
  return `arn:aws:${service}:${region}:${ctx.accountId}:${resource}`;
}

export function secretArn(ctx: SimContext, name: string, seed: string): string {
  return arn("secretsmanager", ctx, `secret:${name}-${alnumFrom(`${seed}/arn`, 6)}`);
}

/** What RDS names the secret it manages: `rds!db-<uuid>`, plus Secrets Manager's own suffix. */
export function rdsManagedSecretArn(ctx: SimContext, seed: string): string {
  return secretArn(ctx, `rds!db-${uuidFrom(`${seed}/managed-secret`)}`, seed);
}

/** The account's `aws/secretsmanager` key, the default for the RDS-managed secret. */
export function awsManagedKmsKeyArn(ctx: SimContext, alias: string): string {
  return arn("kms", ctx, `key/${uuidFrom(`${ctx.accountId}/${ctx.region}/${alias}`)}`);
}

/** EC2 ids: a prefix and 17 hex characters. */
export function ec2Id(prefix: string, seed: string): string {
  return `${prefix}-${hexFrom(seed, 17)}`;
}

/** IAM unique ids: a four-letter kind (`AROA` role, `ANPA` policy) and 17 upper-case alphanumerics. */
export function iamUniqueId(kind: string, seed: string): string {
  return `${kind}${alnumFrom(`${seed}/iam`, 17).toUpperCase()}`;
}

/** Canonical hosted zone ids of ALBs per region (from the ELB endpoints table); others fall back to us-east-1's. */
const ALB_ZONE_IDS: Readonly<Record<string, string>> = {
  "us-east-1": "Z35SXDOTRQ7X7K",
  "us-east-2": "Z3AADJGX6KTTL2",
  "us-west-1": "Z368ELLRRE2KJ0",
  "us-west-2": "Z1H1FL5HABSF5",
  "eu-west-1": "Z32O12XQLNTSW2",
  "eu-west-2": "ZHURV8PSTC4K8",
  "eu-central-1": "Z215JYRZR1TBD5",
  "ap-southeast-1": "Z1LMS91P8CMLE5",
  "ap-southeast-2": "Z1GM3OXH4ZPM65",
  "ap-northeast-1": "Z14GRHDCWA56QT",
};

export function albZoneId(region: string): string {
  return ALB_ZONE_IDS[region] ?? "Z35SXDOTRQ7X7K";
}

/** The last `/`-separated segment: names inside ARNs (`cluster/<name>`). */
export function lastSegment(value: string): string {
  const parts = value.split("/");
  return parts[parts.length - 1] ?? value;
}

export function createDate(seed: string): string {
  const day = (parseInt(hexFrom(seed, 2), 16) % 28) + 1;
  return `2026-01-${String(day).padStart(2, "0")}T00:00:00Z`;
}
