/**
 * The pool commands' flags, checked before anything is opened (exit 2, one line naming the value and what is
 * allowed). Pure so tests run without Pulumi.
 */
import { UsageError } from "../errors";

/** Previews are built per branch and never pooled. */
export const POOL_TIERS = ["basic", "standard", "premium"] as const;
export type PoolTier = (typeof POOL_TIERS)[number];
/** Every slot is a whole tenant (an RDS instance, 3 IAM roles, a listener rule): a pool is a handful, not a fleet. */
export const POOL_SIZE_MAX = 50;

export function poolTierProblem(tier: string | undefined): string | undefined {
  if (tier === undefined) return `--tier is required (allowed: ${POOL_TIERS.join(", ")})`;
  return (POOL_TIERS as readonly string[]).includes(tier)
    ? undefined
    : `--tier ${JSON.stringify(tier)} is not a pool tier (allowed: ${POOL_TIERS.join(", ")})`;
}

export function poolSizeProblem(size: string | undefined, min: number): string | undefined {
  const allowed = `allowed: a whole number ${min}-${POOL_SIZE_MAX}`;
  if (size === undefined) return `--size is required (${allowed})`;
  if (!/^\d+$/.test(size)) return `--size ${JSON.stringify(size)} is not a whole number (${allowed})`;
  const n = Number.parseInt(size, 10);
  return n < min || n > POOL_SIZE_MAX ? `--size ${n} is out of range (${allowed})` : undefined;
}

/** Every problem at once, as one usage error. */
export function checkPoolFlags(problems: readonly (string | undefined)[]): void {
  const lines = problems.filter((p): p is string => p !== undefined);
  if (lines.length > 0) throw new UsageError(lines.join("\n"), { details: { problems: lines } });
}
