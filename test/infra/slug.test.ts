import {
  envProblem,
  RESERVED_SLUGS,
  SLUG_MAX_LENGTH,
  SLUG_MIN_LENGTH,
  slugBudgets,
  slugProblem,
  tenantHost,
} from "../../infra/naming";

describe("slug rule", () => {
  const valid = [
    "acme",
    "abc",
    "a1b",
    "acme-corp",
    "x9-y8-z7",
    "b2b",
    "tenant-42",
    "a".repeat(SLUG_MAX_LENGTH),
    "wwww",
    "apis",
  ];
  it.each(valid)("accepts %j", (slug) => {
    expect(slugProblem(slug)).toBeUndefined();
  });

  const invalid: readonly (readonly [string, RegExp])[] = [
    ["", /has 0 characters/],
    ["ab", /has 2 characters/],
    ["a".repeat(SLUG_MAX_LENGTH + 1), new RegExp(`has ${SLUG_MAX_LENGTH + 1} characters`)],
    ["Acme", /not allowed/],
    ["1acme", /not allowed/],
    ["-acme", /not allowed/],
    ["acme-", /not allowed/],
    ["ac--me", /"--"/],
    ["ac_me", /not allowed/],
    ["ac.me", /not allowed/],
    ["acmé", /not allowed/],
    ["ac me", /not allowed/],
    ["sg-tenant", /sg-/],
  ];
  it.each(invalid)("rejects %j and says why", (slug, why) => {
    const problem = slugProblem(slug);
    expect(problem).toMatch(why);
    expect(problem).toContain(JSON.stringify(slug));
  });

  it.each(["www", "api", "admin", "shared", "preview", "app", "tenantctl"])("reserves %j", (slug) => {
    expect(slugProblem(slug)).toMatch(/is reserved/);
  });

  it("has its boundaries exactly at SLUG_MIN_LENGTH and SLUG_MAX_LENGTH", () => {
    expect(slugProblem("a".repeat(SLUG_MIN_LENGTH))).toBeUndefined();
    expect(slugProblem("a".repeat(SLUG_MIN_LENGTH - 1))).toBeDefined();
    expect(slugProblem("a".repeat(SLUG_MAX_LENGTH))).toBeUndefined();
    expect(slugProblem("a".repeat(SLUG_MAX_LENGTH + 1))).toBeDefined();
  });

  it("takes its maximum from the target group name, the tightest AWS limit after auto-naming", () => {
    const budgets = slugBudgets();
    const tightest = budgets.reduce((a, b) => (b.maxSlug < a.maxSlug ? b : a));
    expect(tightest.limit.name).toBe("targetGroup");
    // 32 (ELBv2 name) - 8 ("-" + 7 hex) - 3 ("-tg")
    expect(SLUG_MAX_LENGTH).toBe(21);
    expect(budgets.filter((b) => b.maxSlug === SLUG_MAX_LENGTH).map((b) => b.limit.name)).toEqual(["targetGroup"]);
  });

  it("keeps every reserved word itself a syntactically valid slug, so reservation is what rejects it", () => {
    for (const word of RESERVED_SLUGS) expect(/^[a-z][a-z0-9-]*[a-z0-9]$/.test(word)).toBe(true);
  });
});

describe("env rule", () => {
  it.each(["dev", "prod", "staging", "qa", "eu1"])("accepts %j", (env) => expect(envProblem(env)).toBeUndefined());
  it.each(["", "d", "Dev", "1dev", "dev-eu", "a".repeat(13)])("rejects %j with the allowed form", (env) => {
    expect(envProblem(env)).toMatch(/allowed: 2-12 lowercase letters and digits/);
  });
});

describe("hosts", () => {
  it("puts tenants under the base domain and previews one label deeper, each within one wildcard", () => {
    expect(tenantHost({ slug: "acme", preview: undefined }, "t.example.com")).toBe("acme.t.example.com");
    expect(
      tenantHost({ slug: "acme", preview: { branch: "x", expiresAt: "2026-01-01T00:00:00Z" } }, "t.example.com"),
    ).toBe("acme.preview.t.example.com");
  });
});
