// Concrete branch names whose slugs reviewers will read in URLs and stack lists, and the cases a property test
// cannot reach by chance (a branch named exactly like another branch's hashed slug).
import { SpecValidationError } from "../../infra/errors";
import { SLUG_MAX_LENGTH, slugProblem } from "../../infra/naming";
import {
  BRANCH_HASH_LENGTH,
  BRANCH_MAX_LENGTH,
  branchProblem,
  expiryTagValue,
  previewHost,
  previewSlug,
  previewStackName,
  PREVIEW_PROJECT,
} from "../../infra/preview-naming";
import * as fc from "fast-check";

const HASH = `[0-9a-f]{${BRANCH_HASH_LENGTH}}`;

describe("previewSlug", () => {
  it.each([
    ["fix-login", "fix-login"],
    ["feature-42", "feature-42"],
  ])("keeps %s, which already is a valid slug", (branch, slug) => {
    expect(previewSlug(branch)).toBe(slug);
  });

  it.each([
    ["feature/login-form", /^feature-logi-/],
    ["Feature/Login", /^feature-logi-/],
    ["dependabot/npm_and_yarn/fast-check-4.10.2", /^dependabot-n-/],
    ["JIRA-123_fix.the.thing", /^jira-123-fix-/],
    ["dev", /^dev-/],
    ["preview", /^preview-/],
    ["123-hotfix", /^b-123-hotfix-/],
    ["sg-rules", /^b-sg-rules-/],
    ["日本語のブランチ", /^b-/],
    ["--", /^b-/],
  ])("hashes %s because it was changed, cut or is reserved", (branch, head) => {
    const slug = previewSlug(branch);
    expect(slug).toMatch(head);
    expect(slug).toMatch(new RegExp(`-${HASH}$`));
    expect(slugProblem(slug)).toBeUndefined();
    expect(slug.length).toBeLessThanOrEqual(SLUG_MAX_LENGTH);
  });

  it("hashes the full branch, so branches that differ only past the cut stay apart", () => {
    const base = `feature/${"x".repeat(40)}`;
    expect(previewSlug(`${base}-a`)).not.toBe(previewSlug(`${base}-b`));
    expect(previewSlug(`${base}-a`).slice(0, -BRANCH_HASH_LENGTH)).toBe(
      previewSlug(`${base}-b`).slice(0, -BRANCH_HASH_LENGTH),
    );
  });

  it("keeps case and punctuation variants apart", () => {
    const variants = [
      "feature/x-y",
      "Feature/x-y",
      "feature/X-Y",
      "feature-x-y",
      "feature_x_y",
      "feature.x.y",
      "feature//x-y",
    ];
    expect(new Set(variants.map(previewSlug)).size).toBe(variants.length);
  });

  it("never keeps a branch that looks like a hashed slug, so it cannot take over another branch's preview", () => {
    const hashed = previewSlug("Feature/X");
    expect(hashed).toMatch(new RegExp(`-${HASH}$`));
    expect(slugProblem(hashed)).toBeUndefined();
    // Someone pushes a branch named exactly like that slug: it must get a preview of its own.
    expect(previewSlug(hashed)).not.toBe(hashed);
  });

  it.each([
    ["an empty name", "", "0 characters"],
    ["a name over the limit", "x".repeat(BRANCH_MAX_LENGTH + 1), `${BRANCH_MAX_LENGTH + 1} characters`],
    ["a NUL", "a\u0000b", "control character"],
    ["a tab", "a\tb", "control character"],
    ["half a surrogate pair", "a\uD800b", "unpaired surrogate"],
  ])("refuses %s as a branch, saying why", (_label, branch, why) => {
    expect(branchProblem(branch)).toContain(why);
    expect(() => previewSlug(branch)).toThrow(SpecValidationError);
    expect(() => previewSlug(branch)).toThrow(/branch: .*allowed: 1-255 characters/);
  });

  it("accepts a branch of exactly the maximum length", () => {
    const slug = previewSlug("b".repeat(BRANCH_MAX_LENGTH));
    expect(slugProblem(slug)).toBeUndefined();
  });
});

describe("previewStackName and previewHost", () => {
  it("names the stack <env>-<slug> in the previews project", () => {
    expect(PREVIEW_PROJECT).toBe("tenantctl-previews");
    expect(previewStackName("dev", "fix-login")).toBe("dev-fix-login");
    expect(previewStackName("prod", "Feature/Login")).toBe(`prod-${previewSlug("Feature/Login")}`);
  });

  it("refuses an invalid environment before naming anything", () => {
    expect(() => previewStackName("Dev", "fix-login")).toThrow(SpecValidationError);
    expect(() => previewStackName("Dev", "fix-login")).toThrow(/env: "Dev" is not an environment name/);
  });

  it("puts every preview one label under preview.<baseDomain>, which one wildcard certificate covers", () => {
    expect(previewHost("fix-login", "example.com")).toBe("fix-login.preview.example.com");
    const host = previewHost("Feature/Login", "example.com");
    expect(host.split(".")).toHaveLength(4);
    expect(host.endsWith(".preview.example.com")).toBe(true);
  });
});

describe("expiryTagValue (the resources' expires-at tag)", () => {
  it.each([
    ["2030-01-04T06:00:00.000Z", "2030-01-05T00:00:00.000Z"],
    ["2030-01-04T00:00:00.000Z", "2030-01-04T00:00:00.000Z"],
    ["2030-01-04T00:00:00.001Z", "2030-01-05T00:00:00.000Z"],
    ["2030-12-31T23:59:59Z", "2031-01-01T00:00:00.000Z"],
  ])("%s is tagged %s", (expiry, tag) => {
    expect(expiryTagValue(expiry)).toBe(tag);
  });

  it("is never earlier than the expiry, less than a day later, and the same for every expiry of one UTC day", () => {
    const day = 86_400_000;
    const dayIndex = fc.integer({ min: 18_000, max: 47_000 });
    const offset = fc.integer({ min: 1, max: day });
    fc.assert(
      fc.property(dayIndex, offset, offset, (k, a, b) => {
        const first = k * day + a;
        const tag = Date.parse(expiryTagValue(new Date(first).toISOString()));
        expect(tag).toBeGreaterThanOrEqual(first);
        expect(tag - first).toBeLessThan(day);
        expect(expiryTagValue(new Date(k * day + b).toISOString())).toBe(new Date(tag).toISOString());
      }),
    );
  });

  it("refuses what is not a time", () => {
    expect(() => expiryTagValue("next week")).toThrow(/not a time/);
  });
});
