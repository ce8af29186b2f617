import { AUTH, DEMO_SKIN, appUnderTest, type AppUnderTest } from "./support/app-under-test";
import { escapeHtml } from "../src/http/page-view";

const XSS = `<script>alert("pwned")</script><img src=x onerror=alert(1)>`;

describe("the server-rendered page", () => {
  let t: AppUnderTest;
  beforeAll(async () => {
    t = await appUnderTest("pglite");
  });
  afterAll(async () => t.close());

  const form = (fields: Record<string, string>) =>
    t.app.inject({
      method: "POST",
      url: "/items",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: new URLSearchParams(fields).toString(),
    });

  it("renders the tenant's skin and a no-JS add form, with a strict CSP", async () => {
    const res = await t.app.inject({ url: "/" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("text/html");
    expect(res.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(res.body).toContain(`--primary:${DEMO_SKIN.primaryColor}`);
    expect(res.body).toContain(`<h1>${escapeHtml(DEMO_SKIN.displayName)}</h1>`);
    expect(res.body).toContain(`src="${DEMO_SKIN.logoUrl ?? ""}"`);
    expect(res.body).toMatch(/<form class="add" method="post" action="\/items"/);
    expect(res.body).not.toContain("<script");
  });

  it("adds an item from the form and redirects back to the list (Post/Redirect/Get)", async () => {
    const res = await form({
      name: "Quackers",
      pricePaid: "12.5",
      tagGeneration: "2",
      condition: "good",
      token: AUTH.authorization.slice(7),
      formKey: "0b6c3d1e-2f4a-4b5c-8d9e-0f1a2b3c4d5e",
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers["location"]).toMatch(/^\/\?added=\d+$/);
    const page = await t.app.inject({ url: res.headers["location"] as string });
    expect(page.body).toContain("Quackers");
    expect(page.body).toContain("$12.50");
    expect(page.body).toContain("Added to the collection.");
  });

  it("submitting the same form twice adds one item", async () => {
    const fields = {
      name: "Twice Bear",
      token: AUTH.authorization.slice(7),
      formKey: "9e9e9e9e-1111-4222-8333-444455556666",
    };
    expect((await form(fields)).statusCode).toBe(303);
    expect((await form(fields)).statusCode).toBe(303);
    expect((await t.app.inject({ url: "/api/items?q=Twice" })).headers["x-total-count"]).toBe("1");
  });

  it("re-renders with field messages and keeps what was typed, but never the token", async () => {
    const res = await form({ name: "", pricePaid: "twelve", notes: "keep me", token: AUTH.authorization.slice(7) });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="err-name"');
    expect(res.body).toContain("must be an amount like 12.50");
    expect(res.body).toContain(">keep me</textarea>");
    expect(res.body).not.toContain(AUTH.authorization.slice(7));
  });

  it("refuses a wrong token with 401 and adds nothing", async () => {
    const res = await form({ name: "Sneaky", token: "guess-guess-guess" });
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain("is not this collection&#39;s admin token");
    expect((await t.app.inject({ url: "/api/items?q=Sneaky" })).headers["x-total-count"]).toBe("0");
  });

  it("shows stored markup as text", async () => {
    await t.app.inject({
      method: "POST",
      url: "/api/items",
      headers: AUTH,
      payload: { name: XSS, notes: `"><svg onload=alert(2)>` },
    });
    const res = await t.app.inject({ url: "/" });
    expect(res.body).not.toContain("<script>alert");
    expect(res.body).not.toContain("<img src=x");
    expect(res.body).not.toContain("<svg");
    expect(res.body).toContain(escapeHtml(XSS));
  });

  it("pages through the collection with a next link", async () => {
    for (let i = 0; i < 30; i++)
      await t.app.inject({ method: "POST", url: "/api/items", headers: AUTH, payload: { name: `Filler ${i}` } });
    const first = await t.app.inject({ url: "/" });
    const next = /rel="next" href="([^"]+)"/.exec(first.body)?.[1];
    expect(next).toBeDefined();
    const second = await t.app.inject({ url: (next ?? "").replace(/&amp;/g, "&") });
    expect(second.statusCode).toBe(200);
    expect(second.body).toContain("« First page");
    expect(second.body).not.toContain("Filler 29");
    expect(first.body).toContain("Filler 29");
  });
});

describe("escapeHtml", () => {
  it("escapes the five significant characters and stringifies null as empty", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
    );
    expect(escapeHtml(null)).toBe("");
  });
});
