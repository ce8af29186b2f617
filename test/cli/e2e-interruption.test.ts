/**
 * Interrupted, killed and mistyped runs end to end, through the real `tenantctl` binary and the stand-in `pulumi`
 * (issue 12, items 1, 2, 6 and 12): Ctrl-C to the whole process group once and twice, an engine killed after AWS
 * created a resource, a wrong passphrase, and upgrade/restore against a stack another operation holds.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import { join } from "node:path";
import { tempDir } from "./support/memory-io";
import { BIN, e2eEnv, json, tenantctl, treeHash, type Result, sharedUpDevWorld } from "./support/e2e";
import { accountResources } from "../support/standin-account";

jest.setTimeout(300_000);

const cwd = tempDir("tenantctl-e2e-interrupt-");
const backend = join(cwd, "backend");
mkdirSync(backend);
const env = e2eEnv(backend);
const run = (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<Result> =>
  tenantctl(cwd, { ...env, ...extra }, args);

function lockFiles(stack: string): string[] {
  const dir = join(backend, ".pulumi", "locks", "organization", "tenantctl-tenants", stack);
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".json")) : [];
}

/** Writes a lock as Pulumi's DIY backend does, held by a process that is alive (this test's). */
function holdLock(stack: string): void {
  const dir = join(backend, ".pulumi", "locks", "organization", "tenantctl-tenants", stack);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "000000000000001-held-by-test.json"),
    JSON.stringify({
      pid: process.pid,
      username: userInfo().username,
      hostname: hostname(),
      timestamp: new Date().toISOString(),
    }),
  );
}

/** tenantctl in a process group of its own, as a terminal runs it; Ctrl-C = SIGINT to the whole group. */
function inTerminal(args: string[], extra: NodeJS.ProcessEnv, interrupts: { when: RegExp }[]): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...env, ...extra },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let next = 0;
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      const due = interrupts[next];
      if (due !== undefined && due.when.test(stderr) && child.pid !== undefined) {
        next += 1;
        process.kill(-child.pid, "SIGINT");
      }
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The `(cd <dir> && <command>)` recovery commands tenantctl printed, in order. */
function printedCommands(stderr: string, pattern: RegExp): string[] {
  return [...stderr.matchAll(/\(cd [^()]*? && [^()]*?\)/g)].map((m) => m[0]).filter((c) => pattern.test(c));
}

function follow(command: string): void {
  const done = spawnSync("bash", ["-c", command], { env: { ...env }, encoding: "utf8" });
  expect({ command, code: done.status, stderr: done.stderr }).toEqual({ command, code: 0, stderr: "" });
}

const errorLines = (r: Result): string[] => r.stderr.split("\n").filter((l) => l.startsWith("error:"));

beforeAll(async () => {
  await sharedUpDevWorld(cwd, env);
});

describe("Ctrl-C", () => {
  it("once, to the whole process group: a graceful cancel that releases the lock; the printed resume converges", async () => {
    const r = await inTerminal(["provision", "tenant", "hooli"], { PULUMI_STANDIN_DELAY_MS: "1000" }, [
      { when: /creating aws:/ },
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: cancelled: .*dev-hooli/);
    expect(r.stderr).not.toMatch(/stopping dev-hooli now/);
    expect(lockFiles("dev-hooli")).toEqual([]);
    const resume = /resume with: (tenantctl provision tenant hooli\S*)/.exec(r.stderr)?.[1];
    expect(resume).toBe("tenantctl provision tenant hooli");
    expect((await run(["provision", "tenant", "hooli", "--json"])).code).toBe(0);
    expect((await run(["status", "tenant", "hooli"])).code).toBe(0);
  });

  it("twice: stops at once and prints the exact recovery (which lock, pulumi cancel, the rerun), which converges", async () => {
    const r = await inTerminal(
      ["provision", "tenant", "piedpiper"],
      // TENANTCTL_DEBUG shows the engine's own output: the second Ctrl-C comes once the engine said it is cancelling
      // (two SIGINTs sent before the first is delivered would merge into one).
      { PULUMI_STANDIN_DELAY_MS: "200,aws:rds/instance:Instance=60000", TENANTCTL_DEBUG: "1" },
      [{ when: /creating aws:rds\/instance:Instance/ }, { when: /\^C received; cancelling/ }],
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/stopping dev-piedpiper now/);
    expect(errorLines(r)).toEqual([
      expect.stringMatching(
        /^error: the engine was stopped by a second Ctrl-C during the operation on dev-piedpiper: the stack is left locked/,
      ),
    ]);
    expect(lockFiles("dev-piedpiper")).toHaveLength(1);
    expect(r.stderr).toMatch(
      /1\. release the stale lock of .*\(pid \d+\).*\(that process is gone\): \(cd .* && pulumi cancel --yes --stack dev-piedpiper\)/,
    );
    expect(r.stderr).toMatch(/2\. rerun: tenantctl provision tenant piedpiper$/m);
    for (const command of printedCommands(r.stderr, /pulumi cancel/)) follow(command);
    expect(lockFiles("dev-piedpiper")).toEqual([]);
    expect((await run(["provision", "tenant", "piedpiper", "--json"])).code).toBe(0);
  });
});

describe("an engine killed after AWS created a resource", () => {
  it("names the resource that may exist only in AWS and the steps (cancel, import, rerun), which converge", async () => {
    const killed = await run(["provision", "tenant", "cyberdyne", "--yes"], {
      PULUMI_STANDIN_DIE: "aws:rds/instance:Instance::*",
      PULUMI_STANDIN_DIE_AFTER_CLOUD: "1",
    });
    expect(killed.code).toBe(1);
    expect(errorLines(killed)).toEqual([
      "error: the engine was killed by SIGKILL during the operation on dev-cyberdyne: the stack is left locked; 1 resource(s) may exist in AWS without being in its state",
    ]);
    expect(killed.stderr).not.toMatch(/Command was killed/);
    const rds = accountResources(backend).filter(
      (r) => r.type === "aws:rds/instance:Instance" && r.stack === "tenantctl-tenants/dev-cyberdyne",
    );
    expect(rds).toHaveLength(1);
    expect(killed.stderr).toContain(`aws:rds/instance:Instance cyberdyne-db (in AWS: ${rds[0]?.physicalName})`);
    expect(killed.stderr).toMatch(/1\. release the stale lock of .* \(that process is gone\)/);

    // The plain retry is refused (exit 4), calls the lock stale and repeats the same steps.
    const retry = await run(["provision", "tenant", "cyberdyne", "--yes"]);
    expect(retry.code).toBe(4);
    expect(errorLines(retry)).toEqual([
      expect.stringMatching(
        /^error: stack dev-cyberdyne is locked by .* \(pid \d+\) .*a process that is gone: the lock is stale; 1 resource/,
      ),
    ]);
    const steps = printedCommands(retry.stderr, /pulumi (cancel|import)/);
    expect(steps).toEqual([
      expect.stringMatching(/&& pulumi cancel --yes --stack dev-cyberdyne\)$/),
      expect.stringMatching(
        new RegExp(
          `&& pulumi import aws:rds/instance:Instance cyberdyne-db ${rds[0]?.physicalName} --parent parent=urn:pulumi:dev-cyberdyne::tenantctl-tenants::tenantctl:tenant:TenantDatabase::cyberdyne --stack dev-cyberdyne --protect=false --generate-code=false --yes\\)$`,
        ),
      ),
    ]);
    for (const command of steps) follow(command);
    const rerun = await run(["provision", "tenant", "cyberdyne", "--yes", "--json"]);
    expect(rerun.code).toBe(0);
    expect(json<{ resourceChanges: Record<string, number> }>(rerun).resourceChanges.create ?? 0).toBeGreaterThan(0);
    // The orphan was adopted, not duplicated.
    expect(
      accountResources(backend).filter(
        (r) => r.type === "aws:rds/instance:Instance" && r.stack === "tenantctl-tenants/dev-cyberdyne",
      ),
    ).toHaveLength(1);
    expect((await run(["status", "tenant", "cyberdyne"])).code).toBe(0);
  });
});

describe("a wrong passphrase", () => {
  beforeAll(async () => {
    expect((await run(["provision", "tenant", "initech", "--yes"])).code).toBe(0);
  });

  const commands: [string, string[]][] = [
    ["status", ["status", "tenant", "initech"]],
    ["provision (new tenant)", ["provision", "tenant", "globex", "--yes"]],
    ["update", ["update", "tenant", "initech", "--tier", "standard", "--yes"]],
    ["teardown", ["teardown", "tenant", "initech", "--yes"]],
    ["drift", ["drift", "tenants"]],
    ["shared preview", ["shared", "preview", "--env", "dev"]],
    ["upgrade", ["upgrade", "tenants", "--image", "registry.example.com/tenantctl-app:9.9.9"]],
    ["list --refresh", ["list", "tenants", "--refresh"]],
    ["preview up (a new stack)", ["preview", "up", "--branch", "feature/x"]],
    ["restore", ["restore", "tenant", "initech", "--new-secrets"]],
  ];

  it.each(commands)("%s: exit 5, one line naming the variable, the backend byte-identical", async (_name, args) => {
    const before = treeHash(backend);
    const r = await run(args, { PULUMI_CONFIG_PASSPHRASE: "not-the-passphrase" });
    expect({ code: r.code, errors: errorLines(r) }).toEqual({
      code: 5,
      errors: [
        expect.stringMatching(
          /^error: the passphrase in PULUMI_CONFIG_PASSPHRASE does not open the stacks in file:\/\/.* \(checked against tenantctl-shared\/dev\)$/,
        ),
      ],
    });
    expect(r.stderr).not.toMatch(/internal error|this is a bug/);
    expect(treeHash(backend)).toBe(before);
  });

  it("preview up with the right passphrase afterwards works, and preview down removes it (no stack was left under the wrong one)", async () => {
    expect((await run(["preview", "up", "--branch", "feature/x"])).code).toBe(0);
    expect((await run(["preview", "down", "--branch", "feature/x", "--yes"])).code).toBe(0);
  });
});

describe("upgrade and restore against a stack another operation holds", () => {
  const index = join(backend, ".tenantctl", "index");

  it("upgrade: exit 4, the index byte-identical", async () => {
    expect((await run(["provision", "tenant", "umbrella", "--yes"])).code).toBe(0);
    holdLock("dev-umbrella");
    const before = treeHash(index);
    const r = await run([
      "upgrade",
      "tenants",
      "--image",
      "registry.example.com/tenantctl-app:2.0.0",
      "--select",
      "slug=umbrella",
      "--health",
      "none",
    ]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/stack dev-umbrella is locked by/);
    expect(treeHash(index)).toBe(before);
  });

  it("restore: exit 4, the index byte-identical", async () => {
    expect((await run(["provision", "tenant", "soylent", "--yes"])).code).toBe(0);
    expect((await run(["teardown", "tenant", "soylent", "--yes"])).code).toBe(0);
    holdLock("dev-soylent");
    const before = treeHash(index);
    const r = await run(["restore", "tenant", "soylent", "--new-secrets"]);
    expect(r.code).toBe(4);
    expect(errorLines(r)).toEqual([expect.stringMatching(/^error: stack dev-soylent is locked by .* \(pid \d+\)/)]);
    expect(treeHash(index)).toBe(before);
  });
});
