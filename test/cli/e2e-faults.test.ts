/**
 * Concurrency and failure end to end: concurrent provisions get distinct listener priorities; a killed operation
 * leaves a lock that makes the next one exit 4 naming the holder; a failing resource exits 1 naming the resource
 * and AWS's error, and a rerun converges.
 */
import { mkdirSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import { join } from "node:path";
import { tempDir } from "./support/memory-io";
import { e2eEnv, json, tenantctl, sharedUpDevWorld } from "./support/e2e";

interface ApplyDoc {
  tenant: string;
  listenerPriority: number;
  resourceChanges: Record<string, number>;
}

describe("concurrency and faults end to end", () => {
  const cwd = tempDir("tenantctl-e2e-faults-");
  const backend = join(cwd, "backend");
  mkdirSync(backend);
  const env = e2eEnv(backend);
  const run = (args: string[], extra: NodeJS.ProcessEnv = {}) => tenantctl(cwd, { ...env, ...extra }, args);

  beforeAll(async () => {
    await sharedUpDevWorld(cwd, env);
  });

  it("two tenants provisioned at once get distinct listener priorities", async () => {
    const [a, b] = await Promise.all([
      run(["provision", "tenant", "alpha", "--json"]),
      run(["provision", "tenant", "bravo", "--json"]),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const pa = json<ApplyDoc>(a).listenerPriority;
    const pb = json<ApplyDoc>(b).listenerPriority;
    expect(pa).not.toBe(pb);
    const list = json<{ tenants: { slug: string; listenerPriority: number }[] }>(
      await run(["list", "tenants", "--json"]),
    );
    expect(list.tenants.map((t) => [t.slug, t.listenerPriority])).toEqual([
      ["alpha", pa],
      ["bravo", pb],
    ]);
  });

  it("a failing resource exits 1 naming the resource and AWS's error; a rerun converges", async () => {
    const failing = await run(["provision", "tenant", "charlie"], {
      PULUMI_STANDIN_FAIL: "aws:ecs/service:Service::charlie-*",
      PULUMI_STANDIN_FAIL_MESSAGE: "Service quota exceeded for Fargate vCPU",
    });
    expect(failing.code).toBe(1);
    const errorLine = failing.stderr.split("\n").find((l) => l.startsWith("error: ")) ?? "";
    expect(errorLine).toMatch(/aws:ecs\/service:Service charlie-svc/);
    expect(errorLine).toMatch(/InternalFailure/);
    expect(errorLine).toMatch(/Service quota exceeded for Fargate vCPU/);
    const listed = json<{ tenants: { slug: string; status: string }[] }>(await run(["list", "tenants", "--json"]));
    expect(listed.tenants.find((t) => t.slug === "charlie")?.status).toBe("provision failed");
    const rerun = await run(["provision", "tenant", "charlie", "--json"]);
    expect(rerun.code).toBe(0);
    expect(json<ApplyDoc>(rerun).resourceChanges.create).toBeGreaterThanOrEqual(1);
  });

  it("a stack locked by a killed operation exits 4 naming who holds the lock and since when", async () => {
    const killed = await run(["provision", "tenant", "delta"], { PULUMI_STANDIN_DIE: "aws:rds/instance:Instance::*" });
    expect(killed.code).toBe(1);
    const locked = await run(["provision", "tenant", "delta", "--json"]);
    expect(locked.code).toBe(4);
    const user = `${userInfo().username}@${hostname()}`;
    expect(locked.stderr).toMatch(
      new RegExp(
        `stack dev-delta is locked by ${user.replace(/[.]/g, "\\.")} \\(pid \\d+\\) since \\d{4}-\\d\\d-\\d\\dT`,
      ),
    );
    expect(locked.stderr).toMatch(/pulumi cancel/);
    const doc = json<{ error: { exitCode: number; lockHolder: { who: string; since: string } } }>(locked);
    expect(doc.error).toMatchObject({ exitCode: 4, lockHolder: { who: user } });
    // The refused attempt leaves the index to the operation that holds the lock.
    const listed = json<{ tenants: { slug: string; status: string }[] }>(await run(["list", "tenants", "--json"]));
    expect(listed.tenants.find((t) => t.slug === "delta")?.status).toBe("provision failed");
  });
});

describe("Ctrl-C end to end", () => {
  const cwd = tempDir("tenantctl-e2e-cancel-");
  const backend = join(cwd, "backend");
  mkdirSync(backend);
  const env = e2eEnv(backend);

  it("cancels gracefully, says how to resume, and the rerun completes", async () => {
    await sharedUpDevWorld(cwd, env);
    const { spawn } = await import("node:child_process");
    const { BIN } = await import("./support/e2e");
    const child = spawn(process.execPath, [BIN, "provision", "tenant", "golf"], {
      cwd,
      env: { ...env, PULUMI_STANDIN_DELAY_MS: "1000" },
    });
    let stderr = "";
    let interrupted = false;
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (!interrupted && /creating aws:/.test(stderr)) {
        interrupted = true;
        child.kill("SIGINT");
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/cancelling dev-golf/);
    expect(stderr).toMatch(/error: cancelled: .*dev-golf/);
    expect(stderr).toMatch(/resume with: tenantctl provision tenant golf/);
    const rerun = await tenantctl(cwd, env, ["provision", "tenant", "golf", "--json"]);
    expect(rerun.code).toBe(0);
  });
});
