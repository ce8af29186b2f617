// Preview environments per git branch: the branch → slug/stack/host mapping, expiry and garbage-collection choice.
// Pure (no Pulumi, no clock, no I/O): the `preview` commands pass in the time and the records they read.
import { createHash } from "node:crypto";
import { z } from "zod";
import { SpecValidationError } from "./errors";
import { envProblem, PREVIEW_SUBDOMAIN, SLUG_MAX_LENGTH, slugProblem, tenantStackName } from "./naming";
import { isoTimeProblem, show } from "./spec-rules";

export const PREVIEW_PROJECT = "tenantctl-previews";
/** The tenant spec's limit for `preview.branch`; GitHub refuses longer branch names anyway. */
export const BRANCH_MAX_LENGTH = 255;
/** 32 bits: branches sharing a long prefix (dependabot/…) differ only in the hash, so it must not collide in practice. */
export const BRANCH_HASH_LENGTH = 8;

const HASHED_SHAPE = new RegExp(`-[0-9a-f]{${BRANCH_HASH_LENGTH}}$`);

/**
 * Why a string cannot be mapped to a preview at all, or undefined. New branch names must also pass gitBranchProblem;
 * records and stack tags are read with this looser rule, so previews deployed before the git rules were enforced
 * are still listed and collected by gc.
 */
export function branchProblem(branch: string): string | undefined {
  const allowed = `allowed: 1-${BRANCH_MAX_LENGTH} characters of well-formed Unicode without control characters`;
  if (branch.length < 1 || branch.length > BRANCH_MAX_LENGTH)
    return `${show(branch)} has ${branch.length} characters (${allowed})`;
  // Lone surrogates all encode to U+FFFD in UTF-8, so two different strings would hash alike.
  if (/\p{Cs}/u.test(branch)) return `${show(branch)} contains an unpaired surrogate (${allowed})`;
  if (/\p{Cc}/u.test(branch)) return `${show(branch)} contains a control character (${allowed})`;
  return undefined;
}

const GIT_ALLOWED = `allowed: a name \`git check-ref-format --branch\` accepts, of 1-${BRANCH_MAX_LENGTH} characters`;

/**
 * Why git would refuse `branch` as a new branch name, or undefined: the rules of `git check-ref-format --branch`
 * (check_refname_format on `refs/heads/<branch>`, plus its refusal of a leading `-` and of `HEAD`), checked as git does
 * outside a repository, where `@{-1}` is not expanded. On top of git: branchProblem's length and C1-control limits.
 * test/preview/git-branch-rules.property.test.ts compares it with the real git binary.
 */
export function gitBranchProblem(branch: string): string | undefined {
  const basic = branchProblem(branch);
  if (basic !== undefined) return basic;
  const broken = (rule: string): string =>
    `${show(branch)} ${rule}, which git refuses in a branch name (${GIT_ALLOWED})`;
  // A leading `-` would also be read as an option by every tool the name is handed to.
  if (branch.startsWith("-")) return broken('starts with "-"');
  if (branch === "HEAD") return broken('is "HEAD"');
  // Control characters are refused by branchProblem above; these are the printable characters git refuses.
  const bad = /[ ~^:?*[\\]/.exec(branch);
  if (bad !== null)
    return broken(`contains ${show(bad[0])} (git refuses space, ~ ^ : ? * [ \\ and control characters)`);
  if (branch.includes("..")) return broken('contains ".."');
  if (branch.includes("@{")) return broken('contains "@{"');
  const parts = branch.split("/");
  if (parts.some((part) => part === "")) return broken('starts or ends with "/" or contains "//"');
  if (parts.some((part) => part.startsWith("."))) return broken('has a "/"-separated part starting with "."');
  if (parts.some((part) => part.endsWith(".lock"))) return broken('has a "/"-separated part ending in ".lock"');
  if (branch.endsWith(".")) return broken('ends with "."');
  return undefined;
}

function requireBranch(branch: string): void {
  const problem = branchProblem(branch);
  if (problem !== undefined) throw new SpecValidationError([`branch: ${problem}`]);
}

/**
 * The preview slug of a branch. A branch that already is a valid slug keeps its name; any other is lowercased,
 * each run of other characters becomes one `-`, it is cut to fit, and `-` + 8 hex of a hash of the full branch
 * is appended. Kept names never end like a hash, so a kept name can never equal another branch's hashed one.
 */
export function previewSlug(branch: string): string {
  requireBranch(branch);
  if (slugProblem(branch) === undefined && !HASHED_SHAPE.test(branch)) return branch;
  const cleaned = branch
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  // Slugs start with a letter and never with `sg-` (reserved for security group ids).
  const readable = /^[a-z]/.test(cleaned) && !/^sg(-|$)/.test(cleaned) ? cleaned : `b-${cleaned}`;
  const head = readable.slice(0, SLUG_MAX_LENGTH - BRANCH_HASH_LENGTH - 1).replace(/-+$/, "");
  const hash = createHash("sha256").update(branch, "utf8").digest("hex").slice(0, BRANCH_HASH_LENGTH);
  const slug = `${head}-${hash}`;
  const problem = slugProblem(slug);
  if (problem !== undefined) throw new Error(`previewSlug(${show(branch)}) derived an invalid slug: ${problem}`);
  return slug;
}

export function previewStackName(env: string, branch: string): string {
  const problem = envProblem(env);
  if (problem !== undefined) throw new SpecValidationError([`env: ${problem}`]);
  return tenantStackName(env, previewSlug(branch));
}

/** `<slug>.preview.<baseDomain>`: one label under the preview subdomain, so `*.preview.<domain>` covers every preview. */
export function previewHost(branch: string, baseDomain: string): string {
  return `${previewSlug(branch)}.${PREVIEW_SUBDOMAIN}.${baseDomain}`;
}

export const DEFAULT_TTL = "72h";
const MINUTE_MS = 60_000;
const UNIT_MS = { m: MINUTE_MS, h: 60 * MINUTE_MS, d: 24 * 60 * MINUTE_MS } as const;
/** A first deploy takes 10–20 minutes (mostly RDS): shorter lives would expire before a reviewer opens them. */
export const TTL_MIN_MS = UNIT_MS.h;
/** A bound on what a forgotten preview can cost; longer-lived environments are tenants, not previews. */
export const TTL_MAX_MS = 30 * UNIT_MS.d;

/** `90m`, `72h`, `3d` → milliseconds; anything else (units mixed, decimals, spaces, out of range) is refused. */
export function parseTtl(text: string): number {
  const allowed = "allowed: a whole number of minutes, hours or days from 1h to 30d, e.g. 90m, 72h, 3d";
  const match = /^([1-9][0-9]{0,5})([mhd])$/.exec(text);
  if (match === null) throw new SpecValidationError([`ttl: ${show(text)} is not a duration (${allowed})`]);
  const [, count, unit] = match as unknown as [string, string, keyof typeof UNIT_MS];
  const ms = Number(count) * UNIT_MS[unit];
  if (ms < TTL_MIN_MS || ms > TTL_MAX_MS)
    throw new SpecValidationError([`ttl: ${show(text)} is out of range (${allowed})`]);
  return ms;
}

const isoTime = z.string().superRefine((value, ctx) => {
  const problem = isoTimeProblem(value);
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
});

/** What the backend keeps about one preview besides its tenant spec; the times are ISO 8601 like the spec's. */
export const PreviewRecordSchema = z
  .strictObject({
    branch: z.string(),
    env: z.string(),
    slug: z.string(),
    stack: z.string(),
    createdAt: isoTime,
    lastDeployedAt: isoTime,
    expiresAt: isoTime,
  })
  .superRefine((record, ctx) => {
    // A record that does not match its own branch was edited or written by another mapping: trusting it could
    // make gc destroy the wrong stack.
    const branch = branchProblem(record.branch);
    const env = envProblem(record.env);
    if (branch !== undefined) ctx.addIssue({ code: "custom", path: ["branch"], message: branch });
    if (env !== undefined) ctx.addIssue({ code: "custom", path: ["env"], message: env });
    if (branch !== undefined || env !== undefined) return;
    const slug = previewSlug(record.branch);
    if (record.slug !== slug || record.stack !== tenantStackName(record.env, slug)) {
      ctx.addIssue({
        code: "custom",
        path: ["stack"],
        message: `${show(record.stack)} is not the stack of branch ${show(record.branch)} in ${show(record.env)}`,
      });
    }
  });

export type PreviewRecord = z.output<typeof PreviewRecordSchema>;

export function parsePreviewRecord(input: unknown): PreviewRecord {
  const result = PreviewRecordSchema.safeParse(input);
  if (result.success) return result.data;
  throw new SpecValidationError(
    result.error.issues.map((i) => `preview.${i.path.join(".") || "record"}: ${i.message}`),
  );
}

export interface PreviewDeploy {
  readonly branch: string;
  readonly env: string;
  readonly now: Date;
  readonly ttlMs: number;
}

/** Why an existing record cannot be redeployed for this branch (another branch owns the stack), or undefined. */
export function previewBranchConflict(previous: PreviewRecord | undefined, branch: string): string | undefined {
  if (previous === undefined || previous.branch === branch) return undefined;
  return `stack ${previous.stack} belongs to branch ${show(previous.branch)}, not ${show(branch)}`;
}

/**
 * The record after a successful deploy: creation time kept, expiry reset to now + ttl. The ttl of the latest
 * deploy wins even when it is shorter, so `--ttl 1h` on a long-lived preview really shortens it.
 */
export function recordDeploy(previous: PreviewRecord | undefined, deploy: PreviewDeploy): PreviewRecord {
  const conflict = previewBranchConflict(previous, deploy.branch);
  if (conflict !== undefined) throw new Error(`recordDeploy called despite a conflict: ${conflict}`);
  const now = deploy.now.getTime();
  if (!Number.isFinite(now)) throw new Error("recordDeploy: `now` is an invalid Date");
  if (!Number.isInteger(deploy.ttlMs) || deploy.ttlMs < TTL_MIN_MS || deploy.ttlMs > TTL_MAX_MS) {
    throw new Error(
      `recordDeploy: ttlMs ${deploy.ttlMs} is outside ${TTL_MIN_MS}-${TTL_MAX_MS}; parse it with parseTtl`,
    );
  }
  const slug = previewSlug(deploy.branch);
  const stack = previewStackName(deploy.env, deploy.branch);
  if (previous !== undefined && previous.stack !== stack)
    throw new Error(`recordDeploy: record of ${previous.stack} passed for ${stack}`);
  return {
    branch: deploy.branch,
    env: deploy.env,
    slug,
    stack,
    createdAt: previous?.createdAt ?? new Date(now).toISOString(),
    lastDeployedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + deploy.ttlMs).toISOString(),
  };
}

/**
 * The `expires-at` tag of a preview's AWS resources: the record's expiry rounded up to the next whole UTC day. It is
 * never earlier than the record (a janitor reading tags never removes a live preview), and deploys on the same day
 * leave every tag as it is, so a rerun with nothing new changes nothing; the first deploy of a later day is a
 * tag-only update. The record (preview index and stack tags) stays the exact, authoritative expiry that gc uses.
 */
export function expiryTagValue(expiresAt: string): string {
  const expiry = Date.parse(expiresAt);
  if (Number.isNaN(expiry)) throw new Error(`expiryTagValue: ${show(expiresAt)} is not a time`);
  return new Date(Math.ceil(expiry / UNIT_MS.d) * UNIT_MS.d).toISOString();
}

/** Expired from the instant of `expiresAt` on, so a gc at exactly that time removes it. */
export function isExpired(record: Pick<PreviewRecord, "expiresAt">, now: Date): boolean {
  const expiry = Date.parse(record.expiresAt);
  if (Number.isNaN(expiry))
    throw new Error(`isExpired: ${show(record.expiresAt)} is not a time; parse records with parsePreviewRecord`);
  return now.getTime() >= expiry;
}

/** The branch list `preview gc --keep-branches <file>` reads: one name per line, as `gh api …/branches` prints them. */
export function parseKeepBranches(text: string): string[] {
  const branches = [
    ...new Set(
      text
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== ""),
    ),
  ];
  // A failed listing that produced an empty file would otherwise mark every preview as orphaned.
  if (branches.length === 0) {
    throw new SpecValidationError([
      "keep-branches: the file lists no branch (allowed: one branch per line, at least the default branch)",
    ]);
  }
  for (const b of branches) requireBranch(b);
  return branches;
}

export type GcReason = "expired" | "branch-deleted";

export interface GcChoice<R> {
  readonly record: R;
  readonly reason: GcReason;
}

/**
 * Previews to destroy: the expired ones, and with a keep-list also those whose branch is gone. Branches are compared
 * exactly (the record holds the full branch name), never by slug, which is lossy.
 */
export function selectForGc<R extends Pick<PreviewRecord, "branch" | "expiresAt">>(
  records: readonly R[],
  now: Date,
  keepBranches?: readonly string[],
): GcChoice<R>[] {
  if (keepBranches !== undefined && keepBranches.length === 0) {
    throw new SpecValidationError([
      "keep-branches: the list is empty, which would remove every preview (allowed: at least one branch)",
    ]);
  }
  const keep = keepBranches === undefined ? undefined : new Set(keepBranches);
  const chosen: GcChoice<R>[] = [];
  for (const record of records) {
    if (isExpired(record, now)) chosen.push({ record, reason: "expired" });
    else if (keep !== undefined && !keep.has(record.branch)) chosen.push({ record, reason: "branch-deleted" });
  }
  return chosen;
}
