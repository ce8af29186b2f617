/**
 * Issue 12, items 7 and 11 and `--yes`, through the built CLI and the stand-in: dry runs say "would …" and leave the
 * backend byte-identical; outcomes say what was done; `list tenants` fits 80 and 200 columns; a torn-down tenant's
 * status names its teardown; new tenants get what the fleet runs; the provision prompt shows plan and cost; every
 * command that changes something accepts --yes.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./support/memory-io";
import {
  BIN,
  DEV_SHARED_ARGS,
  e2eEnv,
  IMAGE,
  json,
  SHARED_UP_DEV,
  tenantctl,
  treeHash,
  type Result,
  sharedUpDevWorld,
} from "./support/e2e";

jest.setTimeout(15 * 60_000);

const DIGEST = `registry.example.com/tenantctl-app@sha256:${"0123456789abcdef".repeat(4)}`;
const IMAGE_V2 = "registry.example.com/tenantctl-app:2.0.0";
const errorLines = (r: Result): string[] => r.stderr.split("\n").filter((l) => l.startsWith("error:"));

describe("dry runs, outcomes and output (stand-in)", () => {
  const cwd = tempDir("tenantctl-e2e-output-");
  const backend = join(cwd, "backend");
  mkdirSync(backend);
  const env = e2eEnv(backend);
  const run = (args: readonly string[], extra: NodeJS.ProcessEnv = {}): Promise<Result> =>
    tenantctl(cwd, { ...env, ...extra }, args);

  beforeAll(async () => {
    await sharedUpDevWorld(cwd, env);
    expect((await run(["provision", "tenant", "acme", "--yes"])).code).toBe(0);
  });

  it("provision --dry-run of a new tenant says 'would create', and the backend and work dirs stay byte-identical", async () => {
    // PULUMI_HOME is left out: pulumi itself records the selected stack there (workspaces/), outside the backend.
    const before = [treeHash(backend), treeHash(join(cwd, ".tenantctl"))];
    const r = await run(["provision", "tenant", "newco", "--dry-run"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/would create aws:rds\/instance:Instance newco-db/);
    expect(r.stderr).not.toMatch(/\bcreated\b|\bcreating\b/);
    expect(r.stdout).toMatch(/^dry run for newco \(dev-newco\): would create \d+; nothing was changed$/m);
    expect([treeHash(backend), treeHash(join(cwd, ".tenantctl"))]).toEqual(before);
  });

  it.each([
    ["update --dry-run", ["update", "tenant", "acme", "--tier", "premium", "--dry-run"]],
    ["update --refresh --dry-run", ["update", "tenant", "acme", "--refresh", "--dry-run"]],
    ["upgrade --dry-run", ["upgrade", "tenants", "--image", IMAGE_V2, "--dry-run"]],
    ["preview gc --dry-run", ["preview", "gc", "--dry-run"]],
  ])("%s leaves the backend byte-identical", async (_name, argv) => {
    const before = treeHash(backend);
    const r = await run(argv);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/\b(created|updated|replaced|deleted) aws:/);
    expect(treeHash(backend)).toBe(before);
  });

  it("says what was done after the work ('created N'), not what is planned", async () => {
    const r = await run(["provision", "tenant", "digesto", "--image", DIGEST, "--yes"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^digesto is provisioned \(created \d+\)$/m);
    expect(r.stdout).not.toMatch(/to create/);
  });

  it("fits list tenants to 80 and 200 columns, digests shortened; --json keeps the full values", async () => {
    for (const columns of [80, 200]) {
      const r = await run(["list", "tenants"], { COLUMNS: String(columns) });
      expect(r.code).toBe(0);
      const lines = r.stdout.trimEnd().split("\n");
      for (const line of lines) expect([...line].length).toBeLessThanOrEqual(columns);
      expect(r.stdout).toMatch(/^digesto\b/m);
      expect(r.stdout).not.toContain(DIGEST);
      if (columns === 200) expect(r.stdout).toContain("registry.example.com/tenantctl-app@sha256:0123456789ab…");
    }
    const doc = json<{ tenants: { slug: string; image: string; url: string }[] }>(
      await run(["list", "tenants", "--json"], { COLUMNS: "80" }),
    );
    expect(doc.tenants.find((t) => t.slug === "digesto")?.image).toBe(DIGEST);
  });

  it("status of a torn-down tenant says when, its final snapshot and the exact restore command", async () => {
    const down = await run(["teardown", "tenant", "digesto", "--yes", "--json"]);
    expect(down.code).toBe(0);
    const snapshot = json<{ finalSnapshotIdentifier: string }>(down).finalSnapshotIdentifier;
    const r = await run(["status", "tenant", "digesto"]);
    expect(r.code).toBe(3);
    expect(errorLines(r)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^error: tenant digesto does not exist in env dev: torn down at \\d{4}-.*Z by .* \\(final snapshot ${snapshot}\\)$`,
        ),
      ),
    ]);
    expect(r.stderr).toMatch(/restore it with: tenantctl restore tenant digesto --env dev/);
    const j = await run(["status", "tenant", "digesto", "--json"]);
    expect(
      json<{ error: { tornDown: { finalSnapshotIdentifier: string; restore: string } } }>(j).error.tornDown,
    ).toMatchObject({ finalSnapshotIdentifier: snapshot, restore: "tenantctl restore tenant digesto --env dev" });
  });

  it("after a fleet upgrade a new tenant gets the image the fleet runs, and says so", async () => {
    expect((await run(["upgrade", "tenants", "--image", IMAGE_V2, "--health", "none", "--yes"])).code).toBe(0);
    const r = await run(["provision", "tenant", "latecomer", "--yes", "--json"]);
    expect(r.code).toBe(0);
    const doc = json<{ image: string; imageChoice: { source: string; sharedImage: string } }>(r);
    expect(doc.image).toBe(IMAGE_V2);
    expect(doc.imageChoice).toMatchObject({ source: "fleet", sharedImage: IMAGE });
    const explicit = await run(["provision", "tenant", "oldtimer", "--image", IMAGE, "--dry-run", "--json"]);
    expect(json<{ image: string; imageChoice: unknown }>(explicit)).toMatchObject({ image: IMAGE, imageChoice: null });
  });

  it("the provision prompt on a terminal shows the plan and the monthly cost; 'n' changes nothing (exit 2)", () => {
    const before = treeHash(backend);
    const shellEnv = { ...env, CI: "" } as NodeJS.ProcessEnv;
    delete shellEnv.CI;
    const res = spawnSync("script", ["-qec", `${process.execPath} ${BIN} provision tenant asker`, "/dev/null"], {
      cwd,
      env: shellEnv,
      input: "n\r",
      encoding: "utf8",
      timeout: 5 * 60_000,
    });
    const out = res.stdout.replace(/\r/g, "");
    expect(out).toMatch(/plan for asker \(dev-asker\): would create \d+/);
    expect(out).toMatch(/tier basic: about \$\d+\.\d\d\/month/);
    expect(out).toMatch(/Provision asker\? \[y\/N\]/);
    expect(out).toMatch(/error: provision of asker declined at the prompt; nothing was changed/);
    expect(res.status).toBe(2);
    expect(treeHash(backend)).toBe(before);
  });

  describe("--yes on every command that changes something (harmless where nothing is asked)", () => {
    it.each([
      ["shared up", [...SHARED_UP_DEV, "--yes"]],
      ["shared preview", ["shared", "preview", ...DEV_SHARED_ARGS, "--yes"]],
      ["update", ["update", "tenant", "acme", "--yes"]],
      ["list --refresh", ["list", "tenants", "--refresh", "--yes"]],
      ["capacity", ["capacity", "--yes"]],
      ["preview gc", ["preview", "gc", "--yes"]],
      ["upgrade --dry-run", ["upgrade", "tenants", "--image", IMAGE_V2, "--dry-run", "--yes"]],
    ])("%s --yes runs", async (_name, argv) => {
      const r = await run(argv);
      expect(errorLines(r)).toEqual([]);
      expect(r.code).toBe(0);
    });

    it.each([
      ["provision", ["provision", "tenant", "x_bad", "--yes"], /slug: "x_bad"/],
      ["preview up", ["preview", "up", "--branch", "x", "--ttl", "5s", "--yes"], /ttl: "5s"/],
      ["preview down", ["preview", "down", "--branch", "", "--yes"], /branch: ""/],
      ["teardown", ["teardown", "tenant", "x_bad", "--yes"], /slug: "x_bad"/],
      ["restore", ["restore", "tenant", "x_bad", "--yes"], /slug: /],
      ["shared down", ["shared", "down", "--env", "Dev", "--yes"], /--env: "Dev"/],
    ])("%s accepts --yes (the run stops only at the deliberate bad value)", async (_name, argv, message) => {
      const r = await run(argv);
      expect(r.code).toBe(2);
      expect(errorLines(r)).toEqual([expect.stringMatching(message)]);
      expect(r.stderr).not.toMatch(/unknown option/);
    });
  });
});
