/**
 * The AWS smoke run's orchestration (test/aws/smoke-orchestration.ts), the same module `npm run test:aws` runs,
 * here against the built CLI and the stand-in `pulumi` (its account holds the snapshot, the secrets, the stacks) with
 * a fake HTTPS tenant app. Shows the happy path and that a failed step still removes everything it created.
 */
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { runSmoke, type HttpAnswer, type SmokeDeps } from "../aws/smoke-orchestration";
import { accountResources, deletedSecrets, listSnapshots } from "../support/standin-account";
import { withAccount } from "../support/standin/aws/account-store";
import { tempDir } from "./support/memory-io";
import { e2eEnv, IMAGE, tenantctl, ZONE_ID } from "./support/e2e";

const TOKEN = "smoke-admin-token-0123456789";
/** Six CLI runs, each a full engine operation through the stand-in: slower than one e2e step on a loaded machine. */
const SLOW = 400_000;

/** The tenant app as seen over HTTPS: ready after a few polls, items behind the admin token. */
function fakeApp(readyAfterPolls: number) {
  let polls = 0;
  const items = new Map<string, { id: string; name: string }>();
  const requests: string[] = [];
  const https = (
    method: "GET" | "POST",
    url: string,
    options: { body?: unknown; token?: string } = {},
  ): Promise<HttpAnswer> => {
    const path = new URL(url).pathname;
    requests.push(`${method} ${url}`);
    if (!url.startsWith("https://")) return Promise.resolve({ status: 400, body: "https only" });
    if (method === "GET" && path === "/readyz")
      return Promise.resolve(++polls > readyAfterPolls ? { status: 200, body: "{}" } : { status: 503, body: "{}" });
    if (method === "POST" && path === "/api/items") {
      if (options.token !== TOKEN) return Promise.resolve({ status: 401, body: "{}" });
      const item = { id: String(items.size + 1), name: String((options.body as { name: string }).name) };
      items.set(item.id, item);
      return Promise.resolve({ status: 201, body: JSON.stringify(item) });
    }
    const m = /^\/api\/items\/(\w+)$/.exec(path);
    const item = m === null ? undefined : items.get(m[1] ?? "");
    return Promise.resolve(
      item === undefined ? { status: 404, body: "{}" } : { status: 200, body: JSON.stringify(item) },
    );
  };
  return { https, requests, items };
}

function standinDeps(readyAfterPolls: number) {
  const cwd = tempDir("tenantctl-smoke-");
  const backend = join(cwd, "backend");
  mkdirSync(backend);
  const env = e2eEnv(backend);
  const app = fakeApp(readyAfterPolls);
  const removedArchives: string[] = [];
  const deps: SmokeDeps = {
    tenantctl: (args) => tenantctl(cwd, env, args),
    https: app.https,
    adminToken: () => Promise.resolve(TOKEN),
    snapshotExists: (id) => Promise.resolve(listSnapshots(backend).some((s) => s.dbSnapshotIdentifier === id)),
    deleteSnapshot: (id) => {
      withAccount(backend, { types: [], meta: true }, (s) => {
        s.snapshots = s.snapshots.filter((x) => x.dbSnapshotIdentifier !== id);
      });
      return Promise.resolve();
    },
    removeArchive: (location) => {
      removedArchives.push(location);
      rmSync(location, { recursive: true, force: true });
      return Promise.resolve();
    },
    sleep: () => Promise.resolve(),
    log: () => undefined,
  };
  return { deps, backend, app, removedArchives };
}

const options = (readyTimeoutMs: number) => ({
  env: "smk1a2b3c",
  slug: "smoke",
  readyTimeoutMs,
  pollMs: 1,
  // A new env has no Pulumi.<env>.yaml: region and base domain come as overrides, as in test/aws/smoke.aws.ts.
  sharedConfig: [
    "aws:region=us-east-1",
    "baseDomain=smk1a2b3c.tenants.example.com",
    `imageUri=${IMAGE}`,
    `hostedZoneId=${ZONE_ID}`,
  ],
});

describe("the AWS smoke run's orchestration, against the stand-in", () => {
  it(
    "runs every step and leaves nothing behind",
    async () => {
      const { deps, backend, app, removedArchives } = standinDeps(3);
      const report = await runSmoke(deps, options(600_000));
      expect(report.steps.map((s) => [s.step, s.ok, s.detail])).toEqual([
        ["shared up", true, undefined],
        ["provision tenant", true, undefined],
        ["/readyz answers 200 over HTTPS", true, undefined],
        ["write and read one item through the API", true, undefined],
        ["teardown tenant", true, undefined],
        ["final snapshot exists", true, undefined],
        ["cleanup: delete final snapshot", true, undefined],
        ["cleanup: remove state archive", true, undefined],
        ["cleanup: shared down", true, undefined],
      ]);
      expect(report).toMatchObject({ ok: true, leftovers: [] });
      expect(app.requests.filter((r) => r.endsWith("/readyz"))).toHaveLength(4);
      expect(app.requests[0]).toBe("GET https://smoke.smk1a2b3c.tenants.example.com/readyz");
      expect(app.items.size).toBe(1);
      expect(accountResources(backend)).toEqual([]);
      expect(listSnapshots(backend)).toEqual([]);
      expect(deletedSecrets(backend).filter((s) => s.recoveryWindowInDays > 0)).toEqual([]);
      expect(removedArchives).toHaveLength(1);
      expect(existsSync(removedArchives[0] ?? "")).toBe(false);
    },
    SLOW,
  );

  it(
    "when the tenant never gets ready, reports the failed step and still removes what it created",
    async () => {
      const { deps, backend } = standinDeps(Number.POSITIVE_INFINITY);
      const report = await runSmoke(deps, options(0));
      expect(report.ok).toBe(false);
      expect(report.steps.find((s) => !s.ok)).toMatchObject({
        step: "/readyz answers 200 over HTTPS",
        detail: expect.stringMatching(/not ready after 0 ms \(last: HTTP 503\)/),
      });
      expect(report.steps.filter((s) => s.step.startsWith("cleanup:")).map((s) => [s.step, s.ok])).toEqual([
        ["cleanup: teardown tenant", true],
        ["cleanup: delete final snapshot", true],
        ["cleanup: remove state archive", true],
        ["cleanup: shared down", true],
      ]);
      expect(report.leftovers).toEqual([]);
      expect(accountResources(backend)).toEqual([]);
      expect(listSnapshots(backend)).toEqual([]);
    },
    SLOW,
  );
});
