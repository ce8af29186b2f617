import type { Item } from "../src/items/schema";
import { AUTH, appUnderTest, type AppUnderTest } from "./support/app-under-test";
import { BACKENDS } from "./support/databases";

interface Page {
  items: Item[];
  nextCursor: string | null;
}

describe.each(BACKENDS)("listing items on %s", (backend) => {
  let t: AppUnderTest;
  const names: string[] = [];
  beforeAll(async () => {
    t = await appUnderTest(backend);
    for (let i = 1; i <= 23; i++) {
      const name = i % 5 === 0 ? `Bear 100%_${i}` : `Cat ${i}`;
      names.push(name);
      const res = await t.app.inject({
        method: "POST",
        url: "/api/items",
        headers: AUTH,
        payload: {
          name,
          tagGeneration: (i % 3) + 1,
          condition: i % 2 === 0 ? "mint" : "good",
          styleNumber: String(4000 + i),
        },
      });
      expect(res.statusCode).toBe(201);
    }
  });
  afterAll(async () => t.close());

  const list = async (query: string) => {
    const res = await t.app.inject({ url: `/api/items?${query}` });
    expect(res.statusCode).toBe(200);
    return { total: Number(res.headers["x-total-count"]), page: res.json<Page>() };
  };

  it("walks every item exactly once, newest first, following cursors", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const { total, page }: { total: number; page: Page } = await list(
        `limit=10${cursor === null ? "" : `&cursor=${cursor}`}`,
      );
      expect(total).toBe(23);
      seen.push(...page.items.map((i) => i.name));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(seen).toEqual([...names].reverse());
  });

  it("does not skip or repeat when an item is added between pages", async () => {
    const first = await list("limit=5");
    const extra = await t.app.inject({
      method: "POST",
      url: "/api/items",
      headers: AUTH,
      payload: { name: "Late arrival" },
    });
    const second = await list(`limit=5&cursor=${first.page.nextCursor ?? ""}`);
    expect(second.page.items[0]?.id).toBe((first.page.items[4]?.id ?? 0) - 1);
    await t.app.inject({ method: "DELETE", url: `/api/items/${extra.json<Item>().id}`, headers: AUTH });
  });

  it("filters by condition, tag generation and style number, with a matching total", async () => {
    const mint = await list("condition=mint&limit=100");
    expect(mint.total).toBe(11);
    expect(mint.page.items.every((i) => i.condition === "mint")).toBe(true);
    const gen2good = await list("condition=good&tagGeneration=2&limit=100");
    expect(gen2good.page.items.every((i) => i.condition === "good" && i.tagGeneration === 2)).toBe(true);
    expect(gen2good.total).toBe(gen2good.page.items.length);
    expect((await list("styleNumber=4007")).page.items.map((i) => i.name)).toEqual(["Cat 7"]);
  });

  it("searches names literally, so % and _ are not wildcards", async () => {
    const res = await list("q=100%25_");
    expect(res.total).toBe(4);
    expect(res.page.items.every((i) => i.name.startsWith("Bear 100%_"))).toBe(true);
    expect((await list("q=cat 1")).page.items.map((i) => i.name).sort()).toEqual([
      "Cat 1",
      "Cat 11",
      "Cat 12",
      "Cat 13",
      "Cat 14",
      "Cat 16",
      "Cat 17",
      "Cat 18",
      "Cat 19",
    ]);
    expect((await list("q=nothing-like-this")).total).toBe(0);
  });

  it("keeps soft-deleted items out of the list and its total", async () => {
    const before = await list("limit=1");
    const id = before.page.items[0]?.id ?? 0;
    await t.app.inject({ method: "DELETE", url: `/api/items/${id}`, headers: AUTH });
    const after = await list("limit=1");
    expect(after.total).toBe(before.total - 1);
    expect(after.page.items[0]?.id).not.toBe(id);
    await t.app.inject({ method: "POST", url: `/api/items/${id}/restore`, headers: AUTH });
  });
});
