/**
 * Issue 11, item 4: `tenantctl` started from a directory other than the repository root (the built bin by absolute
 * path, cwd a temp dir) builds the app image from the repository's `app/` and provisions a tenant. Before the fix
 * `appPath` stayed the relative `app` and `shared up` failed with `ENOENT: scandir 'app'`.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./support/memory-io";
import { e2eEnv, json, ROOT, tenantctl, ZONE_ID as ZONE } from "./support/e2e";

describe("tenantctl from a directory other than the repository root", () => {
  const cwd = tempDir("tenantctl-elsewhere-");
  const backend = join(cwd, "backend");
  mkdirSync(backend);
  const env = e2eEnv(backend);
  const run = (...args: string[]) => tenantctl(cwd, env, args);

  it("runs in a directory without app/ or Pulumi.yaml", () => {
    expect(cwd.startsWith(ROOT)).toBe(false);
    expect(existsSync(join(cwd, "app"))).toBe(false);
  });

  it("shared up builds the image from the repository's app/ (no imageUri)", async () => {
    const r = await run("shared", "up", "--env", "dev", "--config", `hostedZoneId=${ZONE}`, "--json");
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: expect.not.stringMatching(/ENOENT/) });
    const doc = json<{ outputs: { imageUri: string; ecrRepositoryUrl: string } }>(r);
    expect(doc.outputs.imageUri.startsWith(`${doc.outputs.ecrRepositoryUrl}@sha256:`)).toBe(true);
  });

  it("provisions a tenant from there", async () => {
    const r = await run("provision", "tenant", "acme", "--tier", "basic", "--display-name", "ACME Corp", "--json");
    expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: 0 });
    expect(json<{ url: string }>(r).url).toBe("https://acme.dev.tenants.example.com");
  });
});
