/**
 * Which tenants a fleet command acts on: `--select tier=premium`, `--select slug=a,b` (repeatable; different keys
 * must all match, values of one key are alternatives), minus pinned tenants unless `--include-pinned`.
 * Rollout order: cheaper tiers first (the canary is a basic tenant when there is one), then by slug. The pins
 * themselves are set by `update tenant` (cli/orchestration/pins.ts). Pure.
 */
import { UsageError } from "../errors";

export const SELECT_KEYS = ["tier", "slug", "loadBalancer"] as const;
export type SelectKey = (typeof SELECT_KEYS)[number];

export interface Selector {
  readonly key: SelectKey;
  readonly values: readonly string[];
}

export interface FleetCandidate {
  readonly slug: string;
  readonly tier: string;
  readonly loadBalancer: string;
  readonly pinnedImage: string | undefined;
}

const TIER_ORDER: Readonly<Record<string, number>> = { preview: 0, basic: 1, standard: 2, premium: 3 };

export function parseSelectors(raw: readonly string[]): Selector[] {
  const byKey = new Map<SelectKey, string[]>();
  for (const item of raw) {
    const match = /^([A-Za-z]+)=(.+)$/.exec(item.trim());
    const key = match?.[1] as SelectKey | undefined;
    const values = (match?.[2] ?? "").split(",").map((v) => v.trim());
    if (key === undefined || !SELECT_KEYS.includes(key) || values.some((v) => v === "")) {
      throw new UsageError(
        `--select "${item}" is not a selector (allowed: ${SELECT_KEYS.map((k) => `${k}=<v>[,<v>…]`).join(", ")})`,
      );
    }
    // A tier no tenant can have selects nothing: a typo would otherwise look like an empty fleet (exit 0).
    const tiers = Object.keys(TIER_ORDER).filter((t) => t !== "preview");
    const badTier = key === "tier" ? values.find((v) => !tiers.includes(v)) : undefined;
    if (badTier !== undefined)
      throw new UsageError(`--select "${item}": "${badTier}" is not a tier (allowed: ${tiers.join(", ")})`);
    // Repeating a key narrows it: `--select tier=basic,premium --select tier=premium` keeps premium only.
    const previous = byKey.get(key);
    byKey.set(key, previous === undefined ? values : previous.filter((v) => values.includes(v)));
  }
  return [...byKey.entries()].map(([key, values]) => ({ key, values }));
}

function matches(candidate: FleetCandidate, selector: Selector): boolean {
  return selector.values.includes(candidate[selector.key]);
}

export interface Selection<T extends FleetCandidate> {
  /** In rollout order. */
  readonly selected: T[];
  /** Selected but pinned, so left alone (empty with includePinned). */
  readonly pinned: T[];
  /** `slug=` values that name no tenant. */
  readonly unknownSlugs: string[];
}

export function rolloutOrder<T extends FleetCandidate>(candidates: readonly T[]): T[] {
  return [...candidates].sort(
    (a, b) => (TIER_ORDER[a.tier] ?? 9) - (TIER_ORDER[b.tier] ?? 9) || a.slug.localeCompare(b.slug),
  );
}

export function selectTenants<T extends FleetCandidate>(
  candidates: readonly T[],
  selectors: readonly Selector[],
  includePinned: boolean,
): Selection<T> {
  const chosen = candidates.filter((c) => selectors.every((s) => matches(c, s)));
  const known = new Set(candidates.map((c) => c.slug));
  const unknownSlugs = selectors.filter((s) => s.key === "slug").flatMap((s) => s.values.filter((v) => !known.has(v)));
  const pinned = includePinned ? [] : chosen.filter((c) => c.pinnedImage !== undefined);
  const selected = chosen.filter((c) => includePinned || c.pinnedImage === undefined);
  return { selected: rolloutOrder(selected), pinned: rolloutOrder(pinned), unknownSlugs };
}
