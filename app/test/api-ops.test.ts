import type { Item } from "../src/items/schema";
import { ADMIN_TOKEN, AUTH, appUnderTest, type AppUnderTest } from "./support/app-under-test";
import { BACKENDS } from "./support/databases";

describe.each(BACKENDS)("API operations on %s", (backend) => {
  let t: AppUnderTest;
  beforeAll(async () => {
    t = await appUnderTest(backend);
  });
  afterAll(async () => t.close());

  const post = (payload: unknown, headers: Record<string, string>) =>
    t.app.inject({ method: "POST", url: "/api/items", headers, payload: payload as Record<string, unknown> });

  it("refuses writes without the admin token, with a wrong one, or with another scheme", async () => {
    const variants: Record<string, string>[] = [
      {},
      { authorization: "Bearer wrong-token-wrong-token" },
      { authorization: `Basic ${ADMIN_TOKEN}` },
      { authorization: `Bearer ${ADMIN_TOKEN}x` },
    ];
    for (const headers of variants) {
      const res = await post({ name: "Nope" }, headers);
      expect(res.statusCode).toBe(401);
      expect(res.headers["www-authenticate"]).toContain("Bearer");
    }
    for (const method of ["PATCH", "DELETE"] as const) {
      expect(
        (await t.app.inject({ method, url: "/api/items/1", payload: method === "PATCH" ? { name: "x" } : undefined }))
          .statusCode,
      ).toBe(401);
    }
    expect((await t.app.inject({ method: "POST", url: "/api/items/1/restore" })).statusCode).toBe(401);
  });

  it("creates one item for a retried POST with the same Idempotency-Key", async () => {
    const headers = { ...AUTH, "idempotency-key": "retry-42" };
    const first = await post({ name: "Bongo" }, headers);
    const retry = await post({ name: "Bongo" }, headers);
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers["idempotent-replayed"]).toBe("true");
    expect(retry.json<Item>().id).toBe(first.json<Item>().id);
    const all = await t.app.inject({ url: "/api/items?q=Bongo" });
    expect(all.headers["x-total-count"]).toBe("1");
  });

  it("creates one item when the same key arrives concurrently", async () => {
    const headers = { ...AUTH, "idempotency-key": "burst-7" };
    const results = await Promise.all(Array.from({ length: 5 }, () => post({ name: "Burst Bear" }, headers)));
    expect(results.map((r) => r.statusCode)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(results.map((r) => r.json<Item>().id)).size).toBe(1);
    expect((await t.app.inject({ url: "/api/items?q=Burst" })).headers["x-total-count"]).toBe("1");
  });

  it("answers 422 when a key is reused with a different body, and 400 for a malformed key", async () => {
    await post({ name: "Original" }, { ...AUTH, "idempotency-key": "reuse-1" });
    const res = await post({ name: "Different" }, { ...AUTH, "idempotency-key": "reuse-1" });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ error: "idempotency_key_reused" });
    expect((await post({ name: "x" }, { ...AUTH, "idempotency-key": "has space" })).statusCode).toBe(400);
  });

  it("refuses bodies over the limit with 413 and non-JSON types with 415", async () => {
    const big = await post({ name: "Big", notes: "x".repeat(20_000) }, AUTH);
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ error: "payload_too_large" });
    const xml = await t.app.inject({
      method: "POST",
      url: "/api/items",
      headers: { ...AUTH, "content-type": "application/xml" },
      payload: "<x/>",
    });
    expect(xml.statusCode).toBe(415);
  });

  it("answers unknown routes with 404 JSON", async () => {
    const res = await t.app.inject({ url: "/api/nothing-here?x=1" });
    expect(res.statusCode).toBe(404);
    expect(res.headers["content-type"]).toContain("application/json");
    expect(res.json()).toEqual({ error: "not_found", message: "no route for GET /api/nothing-here" });
  });

  it("reports health and readiness", async () => {
    expect((await t.app.inject({ url: "/healthz" })).json()).toEqual({ status: "ok" });
    const ready = await t.app.inject({ url: "/readyz" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: "ready" });
  });

  it("logs JSON lines with the tenant and request id, never the token", async () => {
    const res = await post({ name: "Logged" }, { ...AUTH, "x-request-id": "trace-abc-123" });
    expect(res.headers["x-request-id"]).toBe("trace-abc-123");
    await post({ name: "Denied" }, { authorization: "Bearer not-the-token-at-all" });
    const line = t.logs.records().find((r) => r["requestId"] === "trace-abc-123");
    expect(line).toMatchObject({ tenant: "artmatt", method: "POST", path: "/api/items", status: 201 });
    expect(t.logs.text).not.toContain(ADMIN_TOKEN);
    expect(t.logs.text).not.toContain("not-the-token-at-all");
    expect(t.logs.records().every((r) => r["tenant"] === "artmatt")).toBe(true);
  });
});

describe("rate limiting", () => {
  it("limits each client separately and never limits the probes", async () => {
    const t = await appUnderTest("pglite", { rateLimitPerMinute: 3 });
    try {
      const from = (ip: string) => t.app.inject({ url: "/api/items", remoteAddress: ip });
      const a = [await from("10.0.0.1"), await from("10.0.0.1"), await from("10.0.0.1"), await from("10.0.0.1")];
      expect(a.map((r) => r.statusCode)).toEqual([200, 200, 200, 429]);
      expect(a[3]?.json()).toMatchObject({ error: "rate_limited" });
      expect((await from("10.0.0.2")).statusCode).toBe(200);
      for (let i = 0; i < 5; i++)
        expect((await t.app.inject({ url: "/healthz", remoteAddress: "10.0.0.1" })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});
