import fc from "fast-check";
import { UsageError } from "../../cli/errors";
import { parseSelectors, rolloutOrder, selectTenants, type FleetCandidate } from "../../cli/fleet/selection";

const t = (slug: string, tier = "basic", pinnedImage?: string, loadBalancer = "alb-0"): FleetCandidate => ({
  slug,
  tier,
  loadBalancer,
  pinnedImage,
});
const fleet = [
  t("delta", "premium"),
  t("alpha", "standard"),
  t("bravo"),
  t("charlie", "basic", "registry.example.com/app:1.0"),
  t("echo", "premium", undefined, "alb-1"),
];

describe("fleet selection", () => {
  it("selects everyone but pinned tenants, cheapest tier first then by slug", () => {
    const s = selectTenants(fleet, [], false);
    expect(s.selected.map((c) => c.slug)).toEqual(["bravo", "alpha", "delta", "echo"]);
    expect(s.pinned.map((c) => c.slug)).toEqual(["charlie"]);
  });

  it("includes pinned tenants with includePinned", () => {
    expect(selectTenants(fleet, [], true).selected.map((c) => c.slug)).toContain("charlie");
    expect(selectTenants(fleet, [], true).pinned).toEqual([]);
  });

  it("ANDs keys and ORs the values of one key", () => {
    const s = selectTenants(fleet, parseSelectors(["tier=premium,basic", "loadBalancer=alb-0"]), false);
    expect(s.selected.map((c) => c.slug)).toEqual(["bravo", "delta"]);
  });

  it("narrows a repeated key to the common values", () => {
    expect(parseSelectors(["tier=basic,premium", "tier=premium"])).toEqual([{ key: "tier", values: ["premium"] }]);
  });

  it("reports slugs that name no tenant", () => {
    expect(selectTenants(fleet, parseSelectors(["slug=alpha,zulu"]), false).unknownSlugs).toEqual(["zulu"]);
  });

  it.each(["tier", "tier=", "=basic", "color=red", "slug=a,,b", "tier:basic"])("rejects --select %j", (raw) => {
    expect(() => parseSelectors([raw])).toThrow(UsageError);
  });

  it("keeps every candidate exactly once across selected, pinned and unmatched (property)", () => {
    const candidate = fc.record({
      slug: fc.stringMatching(/^[a-z]{3,8}$/),
      tier: fc.constantFrom("basic", "standard", "premium"),
      loadBalancer: fc.constantFrom("alb-0", "alb-1"),
      pinnedImage: fc.option(fc.constant("r.example.com/app:1"), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(candidate, { selector: (c) => c.slug, maxLength: 40 }),
        fc.boolean(),
        fc.constantFrom("basic", "premium"),
        (list, includePinned, tier) => {
          const s = selectTenants(list, parseSelectors([`tier=${tier}`]), includePinned);
          const matching = list.filter((c) => c.tier === tier);
          expect(s.selected.length + s.pinned.length).toBe(matching.length);
          expect(s.selected.every((c) => c.tier === tier && (includePinned || c.pinnedImage === undefined))).toBe(true);
          expect(rolloutOrder(s.selected)).toEqual(s.selected);
        },
      ),
    );
  });
});
