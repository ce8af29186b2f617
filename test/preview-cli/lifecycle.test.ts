/**
 * The preview lifecycle end to end: the built `tenantctl` as a child process against the stand-in `pulumi`.
 * shared up → preview up (markdown) → up again (no changes, later expiry) → up with a new image (markdown update)
 * → list → gc dry run with a keep-list → gc with the clock past one expiry → down → down again (exit 3).
 */
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SHARED_UP_DEV } from "../cli/support/e2e";
import { at, IMAGE, json, previewSandbox, T0, type GcDoc, type ListDoc, type UpDoc } from "./support";

const LOGIN = "feature/Login-Form";
const NEW_IMAGE = "registry.example.com/tenantctl-app:2.0.0";
const PASSPHRASE = "e2e-passphrase";

describe("preview lifecycle through the stand-in", () => {
  const box = previewSandbox();
  let loginStack = "";

  beforeAll(async () => {
    const r = await box.run(T0, ...SHARED_UP_DEV, "--json");
    expect(r.code).toBe(0);
  }, 300_000);

  it("up --format markdown creates the preview and prints only the PR comment on stdout", async () => {
    const r = await box.run(T0, "preview", "up", "--branch", LOGIN, "--format", "markdown");
    expect(r.code).toBe(0);
    const md = r.stdout;
    expect(md.startsWith("### Preview of `feature/Login-Form` is ready\n")).toBe(true);
    expect(md).toMatch(/^\| URL \| https:\/\/feature-logi-[0-9a-f]{8}\.preview\.dev\.tenants\.example\.com \|$/m);
    expect(md).toContain("| Branch | `feature/Login-Form` |");
    expect(md).toContain(`| Image | \`${IMAGE}\` |`);
    expect(md).toContain("| Expires | 2030-01-04 06:00 UTC (in 3 days; every push extends it) |");
    expect(md).toMatch(/\| Cost estimate \| about \$\d+\.\d\d a day \(\$\d+\.\d\d a month\)/);
    expect(md).toMatch(/^#### Resource changes: \d+ to create$/m);
    expect(md).toMatch(/^\| create \| `aws:rds\/instance:Instance` \| `feature-logi-[0-9a-f]{8}-db` \|/m);
    expect(md).toMatch(/^\| create \| `aws:lb\/listenerRule:ListenerRule` \|/m);
    // Only markdown on stdout: progress lines (timestamped in CI mode) went to stderr.
    expect(md).not.toMatch(/^\d{4}-\d\d-\d\dT/m);
    expect(r.stderr).toMatch(/created aws:rds\/instance:Instance feature-logi-/);
    expect(md).not.toContain(PASSPHRASE);
    expect(md).not.toMatch(/\[secret\]|secretString/);
    loginStack = /`(dev-feature-logi-[0-9a-f]{8})`/.exec(md)?.[1] ?? "";
    expect(box.previewStacks()).toEqual([loginStack]);
  }, 300_000);

  it("up again with nothing new changes no resource and moves the expiry later", async () => {
    const r = await box.run(at(1), "preview", "up", "--branch", LOGIN, "--json");
    expect(r.code).toBe(0);
    const doc = json<UpDoc>(r);
    expect(doc).toMatchObject({
      branch: LOGIN,
      stack: loginStack,
      created: false,
      createdAt: T0,
      lastDeployedAt: at(1),
      expiresAt: at(73),
    });
    expect(doc.resources).toEqual([]);
    expect(doc.resourceChanges).toEqual({});
  }, 300_000);

  it("up with a new image prints the update comment: the task definition is replaced, its image shown", async () => {
    const r = await box.run(
      at(2),
      "preview",
      "up",
      "--branch",
      LOGIN,
      "--image",
      NEW_IMAGE,
      "--ttl",
      "24h",
      "--format",
      "markdown",
    );
    expect(r.code).toBe(0);
    const md = r.stdout;
    expect(md.startsWith("### Preview of `feature/Login-Form` was updated\n")).toBe(true);
    expect(md).toContain(`| Image | \`${NEW_IMAGE}\` |`);
    expect(md).toContain("| Expires | 2030-01-02 08:00 UTC (in 24 hours; every push extends it) |");
    // The app and the bootstrap task definitions both carry the image; the bootstrap's new revision replaces the
    // Invocation that runs it (its triggers are ForceNew), which is what runs the bootstrap again.
    expect(md).toMatch(/^#### Resource changes: 3 to replace(, \d+ to update)?$/m);
    const taskDef = md.split("\n").find((line) => line.includes("`aws:ecs/taskDefinition:TaskDefinition`")) ?? "";
    expect(taskDef).toMatch(/^\| \*\*replace\*\* \|/);
    expect(taskDef).toContain("`containerDefinitions`");
    const invocation = md.split("\n").find((line) => line.includes("`aws:lambda/invocation:Invocation`")) ?? "";
    expect(invocation).toMatch(/^\| \*\*replace\*\* \|/);
    expect(invocation).toContain("`triggers`");
    expect(md).not.toMatch(/^\| create \|/m);
    expect(md).not.toContain(PASSPHRASE);
  }, 300_000);

  it("two more previews: one short-lived, one whose branch will be deleted", async () => {
    expect((await box.run(at(2), "preview", "up", "--branch", "fix-login", "--ttl", "2h", "--json")).code).toBe(0);
    expect((await box.run(at(2), "preview", "up", "--branch", "old-branch", "--json")).code).toBe(0);
    expect(box.previewStacks()).toEqual(["dev-fix-login", loginStack, "dev-old-branch"].sort());
  }, 300_000);

  it("list --json is one document with age, expiry, URL and image of each", async () => {
    const r = await box.run(at(3), "preview", "list", "--json");
    expect(r.code).toBe(0);
    const doc = json<ListDoc>(r);
    expect(doc.previews.map((p) => p.branch)).toEqual([LOGIN, "fix-login", "old-branch"]);
    expect(doc.previews[0]).toMatchObject({
      image: NEW_IMAGE,
      createdAt: T0,
      ageHours: 3,
      expiresAt: at(26),
      expired: false,
    });
    expect(doc.previews[1]).toMatchObject({
      url: "https://fix-login.preview.dev.tenants.example.com",
      expiresAt: at(4),
      expired: false,
    });
    const table = await box.run(at(3), "preview", "list");
    expect(table.stdout).toMatch(/^fix-login\s+dev\s+60 minutes\s+2030-01-01T10:00:00.000Z \(in 60 minutes\)/m);
    expect(table.stdout).toMatch(/^3 previews$/m);
  }, 300_000);

  it("gc --dry-run with a keep-list names the expired and the orphaned preview and destroys nothing", async () => {
    const keep = join(box.cwd, "branches.txt");
    writeFileSync(keep, `main\n${LOGIN}\nfix-login\n`);
    const r = await box.run(at(5), "preview", "gc", "--dry-run", "--keep-branches", keep, "--json");
    expect(r.code).toBe(0);
    const doc = json<GcDoc>(r);
    expect(doc.removals.map((x) => [x.branch, x.reason, x.outcome])).toEqual([
      ["fix-login", "expired", "would-destroy"],
      ["old-branch", "branch-deleted", "would-destroy"],
    ]);
    expect(box.previewStacks()).toHaveLength(3);
  }, 300_000);

  it("gc with the clock past one expiry removes exactly that preview", async () => {
    const r = await box.run(at(5), "preview", "gc", "--yes", "--json");
    expect(r.code).toBe(0);
    const doc = json<GcDoc>(r);
    expect(doc.previews).toBe(3);
    expect(doc.removals).toEqual([
      expect.objectContaining({ branch: "fix-login", reason: "expired", outcome: "destroyed" }),
    ]);
    expect(box.previewStacks()).toEqual([loginStack, "dev-old-branch"].sort());
    const list = json<ListDoc>(await box.run(at(5), "preview", "list", "--json"));
    expect(list.previews.map((p) => p.branch)).toEqual([LOGIN, "old-branch"]);
  }, 300_000);

  it("down removes a preview; down again exits 3", async () => {
    const r = await box.run(at(6), "preview", "down", "--branch", LOGIN, "--yes", "--json");
    expect(r.code).toBe(0);
    expect(json<{ stack: string; removed: boolean; resourcesDeleted: number }>(r)).toMatchObject({
      stack: loginStack,
      removed: true,
    });
    expect(box.previewStacks()).toEqual(["dev-old-branch"]);
    const again = await box.run(at(6), "preview", "down", "--branch", LOGIN, "--yes");
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/^error: branch "feature\/Login-Form" has no preview in env dev/m);
  }, 300_000);

  it("a reopened pull request gets a fresh preview at once: down left no record, tag or name behind", async () => {
    const r = await box.run(at(7), "preview", "up", "--branch", LOGIN, "--json");
    expect(r.code).toBe(0);
    const doc = json<UpDoc>(r);
    expect(doc).toMatchObject({ stack: loginStack, created: true, createdAt: at(7), expiresAt: at(79), image: IMAGE });
    expect(doc.resourceChanges.create).toBeGreaterThan(10);
    expect((await box.run(at(8), "preview", "down", "--branch", LOGIN, "--yes")).code).toBe(0);
    expect(box.previewStacks()).toEqual(["dev-old-branch"]);
  }, 300_000);

  it("gc far in the future finds the last one from its stack's tags alone (index entry lost) and removes it", async () => {
    rmSync(join(box.backend, ".tenantctl", "previews", "dev-old-branch.json"));
    expect(json<ListDoc>(await box.run(at(200), "preview", "list", "--json")).previews).toEqual([]);
    const dry = await box.run(at(200), "preview", "gc", "--dry-run", "--json");
    expect(json<GcDoc>(dry).removals).toEqual([
      expect.objectContaining({ branch: "old-branch", reason: "expired", outcome: "would-destroy" }),
    ]);
    const r = await box.run(at(200), "preview", "gc", "--yes", "--json");
    expect(r.code).toBe(0);
    expect(json<GcDoc>(r).removals.map((x) => x.branch)).toEqual(["old-branch"]);
    expect(box.previewStacks()).toEqual([]);
    expect(json<ListDoc>(await box.run(at(200), "preview", "list", "--json")).previews).toEqual([]);
  }, 300_000);
});
