import type { Item } from "../src/items/schema";
import { AUTH, appUnderTest, type AppUnderTest } from "./support/app-under-test";
import { BACKENDS } from "./support/databases";

describe.each(BACKENDS)("items API on %s", (backend) => {
  let t: AppUnderTest;
  beforeAll(async () => {
    t = await appUnderTest(backend);
  });
  afterAll(async () => t.close());

  const create = async (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    t.app.inject({ method: "POST", url: "/api/items", headers: { ...AUTH, ...headers }, payload: body });

  it("creates an item with every field and reads it back", async () => {
    const body = {
      name: "Peanut the Elephant",
      styleNumber: "4062",
      birthday: "1995-01-25",
      tagGeneration: 3,
      condition: "near_mint",
      acquiredOn: "1997-06-01",
      pricePaidCents: 125_000,
      notes: "Royal blue, the rare one",
      photoUrl: "https://example.com/peanut.jpg",
    };
    const res = await create(body);
    expect(res.statusCode).toBe(201);
    const item = res.json<Item>();
    expect(item).toMatchObject({ ...body, deletedAt: null });
    expect(res.headers["location"]).toBe(`/api/items/${item.id}`);
    const got = await t.app.inject({ url: `/api/items/${item.id}` });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(item);
    const listed = await t.app.inject({ url: "/api/items?limit=1" });
    expect(listed.json<{ items: Item[] }>().items[0]).toEqual(item);
  });

  it("defaults condition to mint and optional fields to null", async () => {
    const item = (await create({ name: "Legs the Frog" })).json<Item>();
    expect(item).toMatchObject({ condition: "mint", styleNumber: null, pricePaidCents: null, birthday: null });
  });

  it("answers 400 with one message per invalid field", async () => {
    const res = await create({
      name: "",
      tagGeneration: 0,
      pricePaidCents: 12.5,
      birthday: "1995-02-30",
      photoUrl: "javascript:alert(1)",
      condition: "chewed",
      colour: "blue",
    });
    expect(res.statusCode).toBe(400);
    const body = res.json<{ error: string; fields: Record<string, string> }>();
    expect(body.error).toBe("validation_failed");
    expect(Object.keys(body.fields).sort()).toEqual([
      "birthday",
      "colour",
      "condition",
      "name",
      "photoUrl",
      "pricePaidCents",
      "tagGeneration",
    ]);
    expect(body.fields["name"]).toBe("must not be empty");
    expect(body.fields["colour"]).toBe("is not a known field");
  });

  it("says a missing name is required and a non-object body is invalid", async () => {
    expect((await create({})).json<{ fields: Record<string, string> }>().fields).toEqual({ name: "is required" });
    const res = await t.app.inject({
      method: "POST",
      url: "/api/items",
      headers: { ...AUTH, "content-type": "application/json" },
      payload: "[1,2",
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ fields: Record<string, string> }>().fields).toEqual({ body: "must be a JSON object" });
  });

  it("updates some fields, clears others with null, and refuses an empty patch", async () => {
    const item = (await create({ name: "Chocolate", notes: "tag creased", pricePaidCents: 500 })).json<Item>();
    const res = await t.app.inject({
      method: "PATCH",
      url: `/api/items/${item.id}`,
      headers: AUTH,
      payload: { condition: "good", notes: null },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name: "Chocolate", condition: "good", notes: null, pricePaidCents: 500 });
    const empty = await t.app.inject({ method: "PATCH", url: `/api/items/${item.id}`, headers: AUTH, payload: {} });
    expect(empty.statusCode).toBe(400);
    const missing = await t.app.inject({
      method: "PATCH",
      url: "/api/items/999999",
      headers: AUTH,
      payload: { name: "x" },
    });
    expect(missing.statusCode).toBe(404);
  });

  it("soft-deletes and restores", async () => {
    const item = (await create({ name: "Spot the Dog" })).json<Item>();
    const del = await t.app.inject({ method: "DELETE", url: `/api/items/${item.id}`, headers: AUTH });
    expect(del.statusCode).toBe(200);
    expect(del.json<Item>().deletedAt).not.toBeNull();
    expect((await t.app.inject({ url: `/api/items/${item.id}` })).statusCode).toBe(404);
    const trash = await t.app.inject({ url: "/api/items?deleted=true" });
    expect(trash.json<{ items: Item[] }>().items.map((i) => i.id)).toContain(item.id);
    expect((await t.app.inject({ method: "DELETE", url: `/api/items/${item.id}`, headers: AUTH })).statusCode).toBe(
      404,
    );
    const restored = await t.app.inject({ method: "POST", url: `/api/items/${item.id}/restore`, headers: AUTH });
    expect(restored.statusCode).toBe(200);
    expect(restored.json<Item>().deletedAt).toBeNull();
    expect((await t.app.inject({ url: `/api/items/${item.id}` })).statusCode).toBe(200);
    expect(
      (await t.app.inject({ method: "POST", url: `/api/items/${item.id}/restore`, headers: AUTH })).statusCode,
    ).toBe(404);
  });

  it("rejects bad ids and unknown query parameters with 400", async () => {
    expect((await t.app.inject({ url: "/api/items/abc" })).json()).toMatchObject({
      fields: { id: expect.any(String) },
    });
    expect((await t.app.inject({ url: "/api/items?limit=0" })).statusCode).toBe(400);
    expect((await t.app.inject({ url: "/api/items?sort=name" })).json()).toMatchObject({
      fields: { sort: "is not a known field" },
    });
    expect((await t.app.inject({ url: "/api/items?cursor=bm9wZQ" })).json()).toMatchObject({
      fields: { cursor: expect.any(String) },
    });
  });
});
