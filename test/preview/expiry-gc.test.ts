// Leaked previews cost money and quota, so expiry and gc selection are tested against a clock we move by hand.
import fc from "fast-check";
import { SpecValidationError } from "../../infra/errors";
import {
  DEFAULT_TTL,
  isExpired,
  parseKeepBranches,
  parsePreviewRecord,
  parseTtl,
  previewBranchConflict,
  previewStackName,
  recordDeploy,
  selectForGc,
  TTL_MAX_MS,
  TTL_MIN_MS,
  type PreviewRecord,
} from "../../infra/preview-naming";

const HOUR = 3_600_000;
const T0 = new Date("2026-11-24T10:00:00.000Z");
const at = (hours: number): Date => new Date(T0.getTime() + hours * HOUR);

describe("parseTtl", () => {
  it.each([
    ["90m", 90 * 60_000],
    ["72h", 72 * HOUR],
    ["3d", 72 * HOUR],
    ["1h", HOUR],
    ["30d", 30 * 24 * HOUR],
    [DEFAULT_TTL, 72 * HOUR],
  ])("reads %s", (text, ms) => {
    expect(parseTtl(text)).toBe(ms);
  });

  it.each([
    "",
    "72",
    "h",
    "72H",
    "1.5h",
    " 72h",
    "72h ",
    "1d12h",
    "-1h",
    "0h",
    "072h",
    "72 hours",
    "3w",
    "P3D",
    "1e3m",
  ])("refuses the malformed %j with the allowed forms", (text) => {
    expect(() => parseTtl(text)).toThrow(SpecValidationError);
    expect(() => parseTtl(text)).toThrow(/ttl: .* is not a duration \(allowed: .*e\.g\. 90m, 72h, 3d\)/);
  });

  it.each(["59m", "31d", "745h", "999999d"])("refuses %j as out of range", (text) => {
    expect(() => parseTtl(text)).toThrow(/ttl: .* is out of range \(allowed: .*from 1h to 30d/);
  });

  it("accepts exactly the bounds", () => {
    expect(parseTtl("60m")).toBe(TTL_MIN_MS);
    expect(parseTtl("720h")).toBe(TTL_MAX_MS);
  });
});

describe("recordDeploy and isExpired", () => {
  const deploy = (
    previous: PreviewRecord | undefined,
    now: Date,
    ttl = DEFAULT_TTL,
    branch = "feature/login",
  ): PreviewRecord => recordDeploy(previous, { branch, env: "dev", now, ttlMs: parseTtl(ttl) });

  it("a first deploy records creation, deploy and expiry times", () => {
    const r = deploy(undefined, T0);
    expect(r).toEqual({
      branch: "feature/login",
      env: "dev",
      slug: expect.stringMatching(/^feature-logi-[0-9a-f]{8}$/),
      stack: previewStackName("dev", "feature/login"),
      createdAt: "2026-11-24T10:00:00.000Z",
      lastDeployedAt: "2026-11-24T10:00:00.000Z",
      expiresAt: "2026-11-27T10:00:00.000Z",
    });
    expect(parsePreviewRecord(JSON.parse(JSON.stringify(r)))).toEqual(r);
  });

  it("each deploy keeps the creation time and pushes expiry out", () => {
    const first = deploy(undefined, T0);
    const second = deploy(first, at(50));
    expect(second.createdAt).toBe(first.createdAt);
    expect(second.lastDeployedAt).toBe(at(50).toISOString());
    expect(second.expiresAt).toBe(at(50 + 72).toISOString());
    expect(isExpired(first, at(72))).toBe(true);
    expect(isExpired(second, at(72))).toBe(false);
  });

  it("the latest ttl wins, even when shorter", () => {
    const long = deploy(undefined, T0, "30d");
    expect(deploy(long, at(1), "2h").expiresAt).toBe(at(3).toISOString());
  });

  it("expires at exactly expiresAt, not a millisecond earlier", () => {
    const r = deploy(undefined, T0, "2h");
    expect(isExpired(r, new Date(at(2).getTime() - 1))).toBe(false);
    expect(isExpired(r, at(2))).toBe(true);
  });

  it("refuses to redeploy a stack recorded for another branch", () => {
    const other = deploy(undefined, T0, "72h", "feature/other");
    expect(previewBranchConflict(other, "feature/login")).toMatch(
      /belongs to branch "feature\/other", not "feature\/login"/,
    );
    expect(previewBranchConflict(other, "feature/other")).toBeUndefined();
    expect(() => deploy(other, at(1))).toThrow(/conflict/);
    const prod = recordDeploy(undefined, { branch: "feature/login", env: "prod", now: T0, ttlMs: HOUR });
    expect(() => deploy(prod, at(1))).toThrow(/record of prod-.* passed for dev-/);
  });

  it("refuses a ttl that did not come through parseTtl", () => {
    expect(() => recordDeploy(undefined, { branch: "b1x", env: "dev", now: T0, ttlMs: 5 })).toThrow(/parseTtl/);
  });

  it("a record whose stack does not match its branch is rejected, so gc cannot be pointed at a foreign stack", () => {
    const r = deploy(undefined, T0);
    expect(() => parsePreviewRecord({ ...r, stack: "dev-acme" })).toThrow(
      /preview\.stack: "dev-acme" is not the stack of branch/,
    );
    expect(() => parsePreviewRecord({ ...r, expiresAt: "soon" })).toThrow(
      /preview\.expiresAt: "soon" is not an ISO 8601 time/,
    );
    expect(() => parsePreviewRecord({ ...r, extra: 1 })).toThrow(SpecValidationError);
    expect(() => parsePreviewRecord({ ...r, env: "Prod" })).toThrow(/preview\.env: "Prod" is not an environment name/);
    expect(() => parsePreviewRecord({ ...r, branch: "" })).toThrow(/preview\.branch: "" has 0 characters/);
  });
});

describe("selectForGc", () => {
  const records = [
    recordDeploy(undefined, { branch: "old/expired", env: "dev", now: T0, ttlMs: parseTtl("2h") }),
    recordDeploy(undefined, { branch: "fresh", env: "dev", now: T0, ttlMs: parseTtl("72h") }),
    recordDeploy(undefined, { branch: "merged/and-deleted", env: "dev", now: T0, ttlMs: parseTtl("72h") }),
  ];
  const names = (chosen: ReturnType<typeof selectForGc>) => chosen.map((c) => `${c.record.branch}:${c.reason}`);

  it("with the clock before any expiry, removes nothing", () => {
    expect(selectForGc(records, at(1))).toEqual([]);
  });

  it("with the clock moved past an expiry, removes exactly the expired ones", () => {
    expect(names(selectForGc(records, at(2)))).toEqual(["old/expired:expired"]);
    expect(names(selectForGc(records, at(72)))).toEqual([
      "old/expired:expired",
      "fresh:expired",
      "merged/and-deleted:expired",
    ]);
  });

  it("with a keep-list, also removes previews whose branch is gone, comparing full branch names", () => {
    const keep = parseKeepBranches("main\nfresh\nold/expired\nmerged/and-deleted-2\n");
    expect(names(selectForGc(records, at(1), keep))).toEqual(["merged/and-deleted:branch-deleted"]);
    expect(names(selectForGc(records, at(3), keep))).toEqual([
      "old/expired:expired",
      "merged/and-deleted:branch-deleted",
    ]);
  });

  it("refuses an empty keep-list instead of removing every preview", () => {
    expect(() => selectForGc(records, at(1), [])).toThrow(/keep-branches: the list is empty/);
    expect(() => parseKeepBranches("\n  \n")).toThrow(/keep-branches: the file lists no branch/);
  });

  it("reads keep-lists with CRLF, blank lines and duplicates", () => {
    expect(parseKeepBranches("main\r\n\r\nfeature/x\nmain\n")).toEqual(["main", "feature/x"]);
  });

  it("chooses exactly the records that are expired or not kept, for any clock and keep-list", () => {
    const recordArb = fc.record({
      branch: fc.constantFrom("a", "b/c", "D", "e.f", "ggg"),
      expiresAt: fc.integer({ min: 0, max: 1000 }).map((h) => at(h).toISOString()),
    });
    fc.assert(
      fc.property(
        fc.array(recordArb, { maxLength: 20 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.option(fc.subarray(["a", "b/c", "D", "e.f", "ggg", "main"], { minLength: 1 })),
        (rs, h, keep) => {
          const chosen = selectForGc(rs, at(h), keep ?? undefined);
          const expected = rs.filter(
            (r) => Date.parse(r.expiresAt) <= at(h).getTime() || (keep !== null && !keep.includes(r.branch)),
          );
          expect(chosen.map((c) => c.record)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
