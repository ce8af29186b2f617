import { checkHealth, healthUrl } from "../../cli/fleet/health";
import { NOT_READY_REASON, startHealthServer, type HealthServer } from "./support/health-server";

describe("the rollout's health check", () => {
  let app: HealthServer;

  beforeAll(async () => {
    app = await startHealthServer();
  });

  afterAll(async () => {
    await app.close();
  });

  it("checks readiness at the stack's url when no template is given", () => {
    expect(healthUrl({ slug: "acme", env: "dev", url: "https://acme.dev.example.com/" }, undefined)).toBe(
      "https://acme.dev.example.com/readyz",
    );
  });

  it("passes a tenant that is ready", async () => {
    const url = app.template.replace("/{slug}/readyz", "/ok");
    expect(await checkHealth({ slug: "ok", env: "dev", url }, undefined, 0)).toBeUndefined();
    expect(app.hits.get("ok")).toBe(1);
  });

  it("fails a tenant whose /healthz is 200 but whose /readyz is 503, with the app's reason", async () => {
    app.failing.add("down");
    const url = app.template.replace("/{slug}/readyz", "/down");
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const problem = await checkHealth({ slug: "down", env: "dev", url }, undefined, 0);
    expect(problem).toBe(`unhealthy after 3 attempts: GET ${url}/readyz → 503 (${NOT_READY_REASON})`);
    expect(app.hits.get("down")).toBe(3);
  });

  it("uses --health-url's template as given", async () => {
    app.failing.add("t01");
    expect(await checkHealth({ slug: "t01", env: "dev", url: undefined }, app.template, 0)).toMatch(
      /→ 503 \(database check failed/,
    );
  });
});
