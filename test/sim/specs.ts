import fc from "fast-check";
import { SLUG_MAX_LENGTH, SLUG_MIN_LENGTH, slugProblem } from "../../infra/naming";
import { parseTenantSpec, type TenantSpec } from "../../infra/spec";
import { newTenantId } from "../../infra/tenant-id";
import { TIER_NAMES } from "../../infra/tiers";

/** Display names a human would type, including the ones that break naive quoting and byte counting. */
const DISPLAY_NAMES = [
  "ACME Corp",
  `O'Brien & "Sons"`,
  "Müller Gärten GmbH",
  "株式会社テスト",
  "Zoë's Café ☕",
  "🚀 Rocket Labs",
  "Ünïcödé — “smart” quotes",
  "\\backslash\\ co",
  "<script>alert(1)</script>",
  "x",
  "A".repeat(100),
  "😀".repeat(50),
];

const slugArb = fc
  .stringMatching(new RegExp(`^[a-z][a-z0-9-]{${SLUG_MIN_LENGTH - 2},${SLUG_MAX_LENGTH - 2}}[a-z0-9]$`))
  .filter((s) => slugProblem(s) === undefined);

const displayArb = fc.oneof(
  fc.constantFrom(...DISPLAY_NAMES),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== "" && !/\p{Cc}/u.test(s)),
);

function boundarySlug(length: number, seed: number): string {
  const body = `t${seed.toString(36)}${"abcdefghijklmnopqrstuvwxyz".repeat(2)}`;
  return body.slice(0, length);
}

/**
 * `count` valid specs, the same on every run (fixed fast-check seed): every tier, tenants and previews, the shortest
 * and the longest slugs, awkward display names. Slugs and listener priorities are unique, as the orchestration keeps them.
 * Every third tenant (not preview) is pool-born: it has a tenant id (a claimed warm-pool slot), so every invariant
 * runs on claimed slots too; every ninth is still an unassigned slot.
 */
export function generateSpecs(
  count: number,
  env: string,
  loadBalancerIds: readonly string[],
  seed = 20261124,
): TenantSpec[] {
  const raw = fc.sample(
    fc.record({
      slug: slugArb,
      displayName: displayArb,
      tier: fc.constantFrom(...TIER_NAMES),
      withOwner: fc.boolean(),
      pinned: fc.boolean(),
    }),
    { seed, numRuns: count * 2 },
  );
  const slugs = new Set<string>();
  const specs: TenantSpec[] = [];
  const push = (
    slug: string,
    displayName: string,
    tier: (typeof TIER_NAMES)[number],
    extra: Record<string, unknown> = {},
  ): void => {
    if (slugs.has(slug) || specs.length >= count) return;
    slugs.add(slug);
    const i = specs.length;
    const tenantId =
      tier !== "preview" && i % 3 === 1
        ? newTenantId(Buffer.from([7, 7, 7, 7, seed % 256, (i >> 8) % 256, i % 256]))
        : undefined;
    const unassigned = tenantId !== undefined && i % 9 === 1;
    specs.push(
      parseTenantSpec({
        slug: unassigned ? tenantId : slug,
        displayName,
        env,
        tier,
        skin: { primaryColor: `#${(i * 7919).toString(16).padStart(6, "0").slice(-6)}` },
        image: `123456789012.dkr.ecr.us-east-1.amazonaws.com/tenantctl-app:v${i}`,
        listenerPriority: i + 1,
        loadBalancer: loadBalancerIds[i % loadBalancerIds.length],
        ...(tier === "preview" ? { preview: { branch: `feature/${slug}`, expiresAt: "2026-12-01T00:00:00Z" } } : {}),
        ...(tenantId === undefined ? {} : { tenantId }),
        ...(unassigned ? { slot: true } : {}),
        ...extra,
      }),
    );
  };
  // Boundaries first, for every tier: the shortest and the longest slug each name derivation must fit.
  TIER_NAMES.forEach((tier, t) => {
    push(boundarySlug(SLUG_MIN_LENGTH, t), DISPLAY_NAMES[t] ?? "x", tier);
    push(boundarySlug(SLUG_MAX_LENGTH, t), DISPLAY_NAMES[t + 4] ?? "x", tier, {
      owner: "ops@example.com",
      generation: 999,
    });
  });
  for (const r of raw) {
    push(r.slug, r.displayName, r.tier, {
      ...(r.withOwner ? { owner: `owner+${r.slug}@example.com` } : {}),
      ...(r.pinned ? { pinnedImage: `registry.example.com/app:pinned-${r.slug}` } : {}),
    });
  }
  if (specs.length < count) throw new Error(`generateSpecs: only ${specs.length} unique slugs out of ${count}`);
  return specs;
}
