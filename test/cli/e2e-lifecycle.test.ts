/**
 * The built `tenantctl` as a child process against the stand-in `pulumi`: a tenant's whole life. Every command here
 * runs as the binary (tenantctlProcess), the way users run it; most other end-to-end files run the same CLI on the
 * run's CLI host (test/support/hosts).
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./support/memory-io";
import { DEV_SHARED_ARGS, e2eEnv, filesUnder, json, tenantctlProcess, SHARED_UP_DEV } from "./support/e2e";

interface ListDoc {
  tenants: { slug: string; tier: string; status: string; url: string | null; listenerPriority: number }[];
}
interface ApplyDoc {
  tenant: string;
  url: string;
  tier: string;
  listenerPriority: number;
  resourceChanges: Record<string, number>;
  monthlyCostUsd: number;
  adminToken: { command: string } | null;
}
interface TeardownDoc {
  finalSnapshotIdentifier: string;
  archive: string;
  record: string;
  stackRemoved: boolean;
  secrets: string;
}

const changed = (changes: Record<string, number>): number =>
  Object.entries(changes)
    .filter(([op]) => op !== "same")
    .reduce((sum, [, n]) => sum + n, 0);

describe("tenant lifecycle end to end", () => {
  const cwd = tempDir("tenantctl-e2e-");
  const backend = join(cwd, "backend");
  mkdirSync(backend);
  const env = e2eEnv(backend);
  const run = (...args: string[]) => tenantctlProcess(cwd, env, args);

  it("shared up creates the shared stack", async () => {
    const r = await run(...SHARED_UP_DEV, "--json");
    expect(r.code).toBe(0);
    const doc = json<{ outputs: { baseDomain: string; loadBalancers: unknown[] } }>(r);
    expect(doc.outputs.baseDomain).toBe("dev.tenants.example.com");
    expect(doc.outputs.loadBalancers).toHaveLength(1);
  });

  it("shared preview of an unchanged shared stack reports no changes", async () => {
    const r = await run("shared", "preview", ...DEV_SHARED_ARGS, "--json");
    expect(r.code).toBe(0);
    expect(changed(json<{ resourceChanges: Record<string, number> }>(r).resourceChanges)).toBe(0);
  });

  it("synth --json needs no backend and prints one document", async () => {
    const r = await run("synth", "tenant", "acme", "--json");
    expect(r.code).toBe(0);
    expect(json<{ stack: string; violations: unknown[] }>(r)).toMatchObject({ stack: "dev-acme", violations: [] });
  });

  it("provision creates the tenant and reports URL, tier, cost and the admin token command", async () => {
    const r = await run(
      "provision",
      "tenant",
      "acme",
      "--tier",
      "basic",
      "--display-name",
      "ACME Corp",
      "--owner",
      "ops@acme.example",
      "--json",
    );
    expect(r.code).toBe(0);
    const doc = json<ApplyDoc>(r);
    expect(doc).toMatchObject({ tenant: "acme", url: "https://acme.dev.tenants.example.com", tier: "basic" });
    expect(doc.resourceChanges.create).toBeGreaterThan(10);
    expect(doc.monthlyCostUsd).toBeGreaterThan(0);
    expect(doc.adminToken?.command).toMatch(/^aws secretsmanager get-secret-value --secret-id arn:aws:secretsmanager:/);
    expect(r.stderr).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z created aws:rds\/instance:Instance acme-db/m);
  });

  it("list shows it (table and JSON)", async () => {
    const doc = json<ListDoc>(await run("list", "tenants", "--json"));
    expect(doc.tenants).toEqual([
      expect.objectContaining({
        slug: "acme",
        tier: "basic",
        status: "provision succeeded",
        url: "https://acme.dev.tenants.example.com",
      }),
    ]);
    const table = await run("list", "tenants");
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/acme .*basic .*provision succeeded/);
  });

  it("status shows the spec, outputs without secrets, resource count and the last operation", async () => {
    const r = await run("status", "tenant", "acme", "--json");
    expect(r.code).toBe(0);
    const doc = json<{
      spec: { displayName: string };
      outputs: Record<string, unknown>;
      resourceCount: number;
      lastUpdate: { result: string };
    }>(r);
    expect(doc.spec.displayName).toBe("ACME Corp");
    expect(doc.resourceCount).toBeGreaterThan(10);
    expect(doc.lastUpdate.result).toBe("succeeded");
    expect(doc.outputs.url).toBe("https://acme.dev.tenants.example.com");
  });

  it("provision again with the same spec converges with no changes", async () => {
    const r = await run("provision", "tenant", "acme", "--tier", "basic", "--display-name", "ACME Corp", "--json");
    expect(r.code).toBe(0);
    expect(changed(json<ApplyDoc>(r).resourceChanges)).toBe(0);
  });

  it("provision with a different spec is refused (exit 4) and points to update", async () => {
    const r = await run("provision", "tenant", "acme", "--tier", "premium");
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/already exists .*tier: "basic" → "premium"/);
    expect(r.stderr).toMatch(/tenantctl update tenant acme/);
  });

  it("update changes the tier and keeps the listener priority", async () => {
    const before = json<ListDoc>(await run("list", "tenants", "--json")).tenants[0];
    const r = await run("update", "tenant", "acme", "--tier", "standard", "--json");
    expect(r.code).toBe(0);
    const doc = json<ApplyDoc & { specChanges: string[] }>(r);
    expect(doc.specChanges).toEqual(['tier: "basic" → "standard"']);
    expect(doc.listenerPriority).toBe(before?.listenerPriority);
    expect(changed(doc.resourceChanges)).toBeGreaterThan(0);
  });

  it("shared down is refused while the env has tenants", async () => {
    const r = await run("shared", "down", "--env", "dev", "--yes", "--json");
    expect(r.code).toBe(4);
    expect(json<{ error: { exitCode: number } }>(r).error.exitCode).toBe(4);
    expect(r.stderr).toMatch(/env dev still has 1 tenant\(s\) \(acme\)/);
  });

  it("teardown records the final snapshot, archives state without plaintext secrets and removes the stack", async () => {
    const r = await run("teardown", "tenant", "acme", "--yes", "--json");
    expect(r.code).toBe(0);
    const doc = json<TeardownDoc>(r);
    expect(doc.finalSnapshotIdentifier).toBe("tenantctl-dev-acme-final-1");
    expect(doc.stackRemoved).toBe(true);
    expect(doc.secrets).toBe("recovery-window");
    const archive = readFileSync(doc.archive, "utf8");
    expect(archive).toContain("aws:rds/instance:Instance");
    expect(archive).toContain("ciphertext");
    expect(archive).not.toContain('"plaintext"');
    const record = JSON.parse(readFileSync(doc.record, "utf8")) as {
      finalSnapshotIdentifier: string;
      spec: { slug: string };
    };
    expect(record).toMatchObject({ finalSnapshotIdentifier: "tenantctl-dev-acme-final-1", spec: { slug: "acme" } });
    expect(existsSync(join(backend, ".pulumi", "stacks", "tenantctl-tenants", "dev-acme.json"))).toBe(false);
    expect(filesUnder(join(backend, ".tenantctl", "priorities"))).toEqual([]);
  });

  it("list is empty afterwards, and status/teardown of the gone tenant exit 3", async () => {
    expect(json<ListDoc>(await run("list", "tenants", "--json")).tenants).toEqual([]);
    expect((await run("status", "tenant", "acme")).code).toBe(3);
    expect((await run("teardown", "tenant", "acme", "--yes")).code).toBe(3);
  });

  it("shared down destroys the shared stack once no tenant is left", async () => {
    const r = await run("shared", "down", "--env", "dev", "--yes", "--json");
    expect(r.code).toBe(0);
    expect(json<{ resourceChanges: Record<string, number> }>(r).resourceChanges.delete).toBeGreaterThan(5);
    const provision = await run("provision", "tenant", "acme");
    expect(provision.code).toBe(5);
    expect(provision.stderr).toMatch(/tenantctl shared up --env dev/);
  });

  it("re-provisioning the slug gets the next generation's final snapshot name", async () => {
    expect((await run(...SHARED_UP_DEV)).code).toBe(0);
    const r = await run("provision", "tenant", "acme", "--dry-run", "--json");
    expect(r.code).toBe(0);
    const doc = json<{ applied: boolean; generation: number }>(r);
    expect(doc).toMatchObject({ applied: false, generation: 2 });
    expect(existsSync(join(backend, ".pulumi", "stacks", "tenantctl-tenants", "dev-acme.json"))).toBe(false);
    expect(json<ListDoc>(await run("list", "tenants", "--json")).tenants).toEqual([]);
  });
});
