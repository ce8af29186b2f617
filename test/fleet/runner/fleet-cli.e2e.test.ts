/**
 * Distributed `upgrade tenants` end to end through the built CLI and the stand-in `pulumi` (file backend):
 * --detach records the rollout and upgrades nothing; two --join runners share it and upgrade every tenant once;
 * --status reports runners, leases and waves; a runner whose whole process group is killed mid-`up` (workers and
 * engine too, as when its machine dies) leaves its stack lock, and a later runner clears exactly that lock once the
 * lease expired and finishes the tenant. Build first (npm run build).
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  expectOk,
  fleetEnv,
  fleetSlugs,
  fleetWorld,
  indexEntry,
  IMAGE_V1,
  IMAGE_V2,
  json,
  REPO,
  type FleetEnv,
} from "../support/fleet-env";

jest.setTimeout(20 * 60_000);

const IMAGE_V3 = "123456789012.dkr.ecr.us-east-1.amazonaws.com/tenantctl-app:3.0.0";
const slugs = fleetSlugs(5);

interface StatusDoc {
  rollout: string;
  status: string;
  epoch: number;
  counts: Record<string, number>;
  runners: { runner: string; state: string; finished: number; heartbeatAt: string }[];
  leases: { slug: string; runner: string }[];
  progress: { wave: number; tenants: number; upgraded: number; pending: number }[];
  tenants: { slug: string; status: string }[];
}

const lockDir = (f: FleetEnv, slug: string): string =>
  join(f.backendRoot, ".pulumi", "locks", "organization", "tenantctl-tenants", `dev-${slug}`);

function lockFiles(f: FleetEnv, slug: string): string[] {
  const dir = lockDir(f, slug);
  return existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith(".json")) : [];
}

describe("upgrade tenants --detach / --join / --status (stand-in)", () => {
  let f: FleetEnv;

  beforeAll(async () => {
    f = fleetEnv("tenantctl-fleet-runners-");
    // The shared stack and tenants t01..t05 at IMAGE_V1 (the fleet tests' cached world).
    await fleetWorld(f, slugs.length);
  });

  it("creates the rollout without upgrading anything, then two runners upgrade every tenant once", async () => {
    const created = await f.run([
      "upgrade",
      "tenants",
      "--image",
      IMAGE_V2,
      "--waves",
      "1,100%",
      "--health",
      "none",
      "--detach",
      "--json",
    ]);
    expect(created.code).toBe(0);
    const { rolloutId } = json<{ rolloutId: string }>(created);
    expect(rolloutId).toMatch(/^[0-9TZ-]+-[0-9a-f]{6}$/);
    for (const slug of slugs) expect(indexEntry(f, slug).image).toBe(IMAGE_V1);

    const before = json<StatusDoc>(await f.run(["upgrade", "tenants", "--status", rolloutId, "--json"]));
    expect(before).toMatchObject({ rollout: rolloutId, status: "running", epoch: 0, runners: [], leases: [] });
    expect(before.progress).toEqual([
      expect.objectContaining({ wave: 1, tenants: 1, pending: 1 }),
      expect.objectContaining({ wave: 2, tenants: 4, pending: 4 }),
    ]);

    const runs = await Promise.all(
      [1, 2].map(() =>
        f.run([
          "upgrade",
          "tenants",
          "--join",
          rolloutId,
          "--concurrency",
          "2",
          "--lease",
          "10s",
          "--stagger",
          "0",
          "--json",
        ]),
      ),
    );
    for (const run of runs)
      expect({ code: run.code, stderr: run.code === 0 ? "" : run.stderr }).toEqual({ code: 0, stderr: "" });
    const finished = runs.map((r) => json<{ runner: { finished: number } }>(r).runner.finished);
    expect(finished.reduce((a, b) => a + b, 0)).toBe(slugs.length);
    for (const slug of slugs) expect(indexEntry(f, slug).image).toBe(IMAGE_V2);

    const after = json<StatusDoc>(await f.run(["upgrade", "tenants", "--status", rolloutId, "--json"]));
    expect(after.status).toBe("completed");
    expect(after.counts).toMatchObject({ upgraded: 5, failed: 0, pending: 0 });
    expect(after.runners).toHaveLength(2);
    for (const r of after.runners) expect(r.state).toBe("stopped");

    // A late runner finds nothing to do; a plain --resume is pointed at --resume --detach.
    const late = await f.run(["upgrade", "tenants", "--join", rolloutId, "--json"]);
    expect(late.code).toBe(0);
    expect(json<{ runner: { finished: number } }>(late).runner.finished).toBe(0);
    const resume = await f.run(["upgrade", "tenants", "--resume", rolloutId]);
    expect(resume.code).toBe(4);
    expect(resume.stderr).toMatch(/already completed with every tenant upgraded/);
  });

  it("refuses an unknown rollout with exit 3", async () => {
    const run = await f.run(["upgrade", "tenants", "--join", "2026-01-01T00-00-00-000Z-000000"]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^error: no distributed rollout 2026-01-01T00-00-00-000Z-000000 in env dev$/m);
  });

  it("takes over from a runner whose machine died mid-upgrade, clearing only its stack lock after the lease", async () => {
    const created = json<{ rolloutId: string }>(
      await expectOk(
        f.run([
          "upgrade",
          "tenants",
          "--image",
          IMAGE_V3,
          "--waves",
          "100%",
          "--health",
          "none",
          "--select",
          "slug=t01",
          "--detach",
          "--json",
        ]),
        "detach",
      ),
    );
    const id = created.rolloutId;
    // The victim's ECS service update takes a minute: it is killed, with its worker and engine, while holding the lock.
    const victim = spawn(
      process.execPath,
      [join(REPO, "bin", "tenantctl.js"), "upgrade", "tenants", "--join", id, "--lease", "3s"],
      {
        cwd: f.dir,
        env: { ...f.env, PULUMI_STANDIN_DELAY_MS: "aws:ecs/service:Service@update=60000" },
        detached: true,
        stdio: "ignore",
      },
    );
    const exited = new Promise((resolve) => victim.on("exit", resolve));
    for (let i = 0; i < 600 && lockFiles(f, "t01").length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(lockFiles(f, "t01")).toHaveLength(1);
    // The engine runs in a process group of its own (engine-process.ts): a dying machine takes it too.
    const lock = JSON.parse(readFileSync(join(lockDir(f, "t01"), lockFiles(f, "t01")[0] ?? ""), "utf8")) as {
      pid: number;
    };
    process.kill(-(victim.pid ?? 0), "SIGKILL");
    process.kill(lock.pid, "SIGKILL");
    await exited;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(lockFiles(f, "t01")).toHaveLength(1);

    const rescuer = await f.run(["upgrade", "tenants", "--join", id, "--lease", "3s", "--json"]);
    expect({ code: rescuer.code, stderr: rescuer.code === 0 ? "" : rescuer.stderr }).toEqual({ code: 0, stderr: "" });
    expect(rescuer.stderr).toMatch(/t01: removed the stack lock .* left by runner .*lease expired/);
    expect(rescuer.stderr).toMatch(/t01: taken over from /);
    expect(json<{ runner: { tookOver: number } }>(rescuer).runner.tookOver).toBe(1);
    expect(indexEntry(f, "t01").image).toBe(IMAGE_V3);
    expect(lockFiles(f, "t01")).toEqual([]);
  });
});
