/**
 * One contract, two record stores: every test here runs against the file store (a temp directory) and the S3 store
 * (the fake S3 in test/support/fake-s3.ts, with small list pages so pagination is always exercised).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { claimPriority } from "../../cli/store/priorities";
import { FileRecordStore, type RecordStore } from "../../cli/store/records";
import type { S3RecordStore } from "../../cli/store/records-s3";
import { fakeS3Suite } from "./fake-s3-suite";

const BUCKET = "tenantctl-state";
const s3 = fakeS3Suite([BUCKET]);
let opened = 0;

/** A fresh S3 store under its own prefix, so tests do not see each other's objects. */
function s3Store(): S3RecordStore {
  opened += 1;
  return s3.open(s3.url(BUCKET, `contract/${opened}`));
}

const kinds: [string, () => RecordStore][] = [
  ["file store", () => new FileRecordStore(mkdtempSync(join(tmpdir(), "tenantctl-records-")))],
  ["S3 store", s3Store],
];

describe.each(kinds)("record store contract: %s", (_kind, open) => {
  beforeEach(() => {
    s3.server().maxKeysCap = 3;
  });

  it("reads a missing key as undefined, writes, reads back and overwrites", async () => {
    const store = open();
    expect(await store.readJson("index/p/dev-acme.json")).toBeUndefined();
    await store.writeJson("index/p/dev-acme.json", { slug: "acme", n: 1, nested: { list: [1, 2] } });
    expect(await store.readJson("index/p/dev-acme.json")).toEqual({ slug: "acme", n: 1, nested: { list: [1, 2] } });
    await store.writeJson("index/p/dev-acme.json", { slug: "acme", n: 2 });
    expect(await store.readJson("index/p/dev-acme.json")).toEqual({ slug: "acme", n: 2 });
  });

  it("creates a key exclusively once and keeps the first value", async () => {
    const store = open();
    expect(await store.createExclusive("priorities/dev/alb-0/numbers/100.json", { owner: "a" })).toBe(true);
    expect(await store.createExclusive("priorities/dev/alb-0/numbers/100.json", { owner: "b" })).toBe(false);
    expect(await store.readJson("priorities/dev/alb-0/numbers/100.json")).toEqual({ owner: "a" });
  });

  it("20 concurrent exclusive creates of one key: exactly one wins, and its value is the one stored", async () => {
    const store = open();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.createExclusive("claims/one.json", { writer: i })),
    );
    const winners = results.flatMap((won, i) => (won ? [i] : []));
    expect(winners).toHaveLength(1);
    expect(await store.readJson("claims/one.json")).toEqual({ writer: winners[0] });
  });

  it("20 concurrent exclusive creates of 20 keys: all win", async () => {
    const store = open();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.createExclusive(`claims/many/${i}.json`, { writer: i })),
    );
    expect(results.every((won) => won)).toBe(true);
    expect(await store.list("claims/many")).toHaveLength(20);
  });

  it("lists records and sub-folders directly under a folder, sorted, without recursion", async () => {
    const store = open();
    for (const key of [
      "a/b/2.json",
      "a/b/1.json",
      "a/b/sub/3.json",
      "a/b/sub/deeper/4.json",
      "a/bc/x.json",
      "a/b-c.json",
      "z.json",
    ]) {
      await store.writeJson(key, { key });
    }
    expect(await store.list("a/b")).toEqual(["1.json", "2.json", "sub"]);
    expect(await store.list("a")).toEqual(["b", "b-c.json", "bc"]);
    expect(await store.list("a/b/sub")).toEqual(["3.json", "deeper"]);
    expect(await store.list("missing")).toEqual([]);
    expect(await store.list("a/b/sub/deeper")).toEqual(["4.json"]);
  });

  it("lists a folder larger than one page completely (pages of 3 on S3)", async () => {
    const store = open();
    const expected: string[] = [];
    for (let i = 0; i < 25; i++) {
      await store.writeJson(`numbers/${100 + i}.json`, { i });
      expected.push(`${100 + i}.json`);
    }
    for (const sub of ["s1", "s2", "s3"]) {
      await store.writeJson(`numbers/${sub}/a.json`, {});
      await store.writeJson(`numbers/${sub}/b.json`, {});
      expected.push(sub);
    }
    expect(await store.list("numbers")).toEqual(expected.sort());
  });

  it("removes a record, a whole folder key, and a missing key without error", async () => {
    const store = open();
    for (const key of ["t/x/1.json", "t/x/2.json", "t/x/deep/3.json", "t/xy/keep.json", "t/x.json"])
      await store.writeJson(key, {});
    await store.remove("t/x/1.json");
    expect(await store.list("t/x")).toEqual(["2.json", "deep"]);
    await store.remove("t/x");
    expect(await store.list("t")).toEqual(["x.json", "xy"]);
    expect(await store.readJson("t/x/deep/3.json")).toBeUndefined();
    expect(await store.readJson("t/xy/keep.json")).toEqual({});
    await store.remove("t/never-there.json");
    await store.remove("t/x");
    expect(await store.list("t")).toEqual(["x.json", "xy"]);
  });

  it("refuses keys that would leave the store or name nothing", async () => {
    const store = open();
    for (const key of ["../x.json", "a/../../x.json", "a//b.json", "./a.json", "", "a/"]) {
      await expect(store.writeJson(key, {})).rejects.toThrow(/invalid record key/);
      await expect(store.readJson(key)).rejects.toThrow(/invalid record key/);
    }
    await expect(store.list("..")).rejects.toThrow(/invalid record key/);
    await expect(store.remove("a/..")).rejects.toThrow(/invalid record key/);
  });

  it("a key can be created exclusively again after it was removed", async () => {
    const store = open();
    expect(await store.createExclusive("once/k.json", { v: 1 })).toBe(true);
    await store.remove("once/k.json");
    expect(await store.createExclusive("once/k.json", { v: 2 })).toBe(true);
    expect(await store.readJson("once/k.json")).toEqual({ v: 2 });
  });

  it("concurrent listener-priority claims for 8 stacks get 8 distinct priorities (the real caller)", async () => {
    const store = open();
    const now = new Date("2026-01-01T00:00:00Z");
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        claimPriority(store, {
          env: "dev",
          loadBalancer: "alb-0",
          project: "tenantctl-tenants",
          stack: `dev-t${i}`,
          slug: `t${i}`,
          now,
        }),
      ),
    );
    expect(new Set(claims).size).toBe(8);
    expect([...claims].sort((a, b) => a - b)).toEqual([100, 101, 102, 103, 104, 105, 106, 107]);
    // A rerun for the same stack gets its priority back.
    expect(
      await claimPriority(store, {
        env: "dev",
        loadBalancer: "alb-0",
        project: "tenantctl-tenants",
        stack: "dev-t3",
        slug: "t3",
        now,
      }),
    ).toBe(claims[3]);
  });
});

describe("the S3 store really talks S3", () => {
  it("pages through ListObjectsV2 with continuation tokens and uses conditional PUTs", async () => {
    s3.server().maxKeysCap = 2;
    const store = s3Store();
    for (let i = 0; i < 7; i++) await store.writeJson(`p/${i}.json`, { i });
    const before = s3.server().ops("ListObjectsV2").length;
    expect(await store.list("p")).toEqual(["0.json", "1.json", "2.json", "3.json", "4.json", "5.json", "6.json"]);
    const pages = s3.server().ops("ListObjectsV2").slice(before);
    expect(pages).toHaveLength(4);
    expect(pages.slice(1).every((r) => r.query["continuation-token"] !== undefined)).toBe(true);
    expect(pages[0]?.query).toMatchObject({ prefix: `${store.backend.prefix}/.tenantctl/p/`, delimiter: "/" });
    expect(await store.createExclusive("p/c.json", {})).toBe(true);
    const put = s3.server().ops("PutObject").at(-1);
    expect(put?.headers["if-none-match"]).toBe("*");
    expect(s3.server().keys(BUCKET)).toContain(`${store.backend.prefix}/.tenantctl/p/c.json`);
  });
});
