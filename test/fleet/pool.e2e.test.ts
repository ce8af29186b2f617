/**
 * The fleet's worker pool end to end (real tenantctl, real worker-main.js, the stand-in `pulumi`): operations run one
 * after another on reused workers with correct per-tenant results; the worker whose operation failed never runs
 * another tenant; no more workers than --concurrency are alive at once (seen from /proc, not only from the log);
 * no worker outlives the command, nor a tenantctl killed in the middle of a rollout.
 */
import { fleetEnv, fleetSlugs, fleetWorld, indexEntry, IMAGE_V2, json, type FleetEnv } from "./support/fleet-env";
import { isAlive, poolLog, startWatched, waitFor, workerPids } from "./support/process-watch";

jest.setTimeout(15 * 60_000);

const IMAGE_V3 = "123456789012.dkr.ecr.us-east-1.amazonaws.com/tenantctl-app:3.0.0";
const slugs = fleetSlugs(6);

interface RolloutDoc {
  status: string;
  tenants: { slug: string; status: string; error: string | null }[];
}

describe("fleet worker pool (stand-in)", () => {
  let f: FleetEnv;

  beforeAll(async () => {
    f = fleetEnv();
    // The shared stack and tenants t01..t06 at IMAGE_V1 (the fleet tests' cached world).
    await fleetWorld(f, slugs.length);
  });

  it("upgrades 6 tenants on at most 2 reused workers, replaces the one whose operation failed, and leaves none behind", async () => {
    const run = await startWatched(
      f,
      [
        "upgrade",
        "tenants",
        "--image",
        IMAGE_V2,
        "--waves",
        "100%",
        "--concurrency",
        "2",
        "--max-failures",
        "1",
        "--health",
        "none",
        "--verbose",
        "--json",
      ],
      { PULUMI_STANDIN_FAIL: "aws:ecs/taskDefinition:TaskDefinition::t03-taskdef" },
    ).done;
    expect(run.code).toBe(1);
    const doc = json<RolloutDoc>(run);
    const bySlug = Object.fromEntries(doc.tenants.map((t) => [t.slug, t]));
    expect(bySlug["t03"]).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/t03-taskdef.*injected failure/),
    });
    for (const slug of slugs.filter((s) => s !== "t03")) {
      expect(bySlug[slug]?.status).toBe("upgraded");
      expect(indexEntry(f, slug).image).toBe(IMAGE_V2);
    }
    expect(indexEntry(f, "t03").status).toBe("failed");

    const log = poolLog(run.stderr);
    const ran = [...log.runs.values()].flat().sort();
    expect(ran).toEqual(slugs);
    // The worker that ran t03 ran nothing after it.
    const poisoned = [...log.runs.entries()].find(([, list]) => list.includes("t03"));
    expect(poisoned?.[1].at(-1)).toBe("t03");
    expect(run.stderr).toContain(`worker ${poisoned?.[0] ?? 0}: retired: its operation failed`);
    // Reuse: 2 workers plus the one replacing the poisoned worker, and at least one ran several tenants.
    expect(log.started.length).toBeLessThanOrEqual(3);
    expect(Math.max(...[...log.runs.values()].map((l) => l.length))).toBeGreaterThanOrEqual(2);
    // Never more than --concurrency alive: by the log and by /proc.
    expect(log.peakLive).toBeLessThanOrEqual(2);
    expect(run.samples).toBeGreaterThan(0);
    expect(run.peakWorkers).toBeGreaterThanOrEqual(1);
    expect(run.peakWorkers).toBeLessThanOrEqual(2);
    // Gone once the command ended.
    for (const pid of log.started) expect(isAlive(pid)).toBe(false);
    expect(run.stderr).toMatch(/\[t01\] /);
  });

  it("checks drift on pooled workers too, and leaves none behind", async () => {
    const run = await startWatched(f, ["drift", "tenants", "--concurrency", "2", "--verbose", "--json"]).done;
    expect(run.code).toBe(0);
    expect(json<{ checked: number; drifted: number }>(run)).toMatchObject({ checked: 6, drifted: 0 });
    const log = poolLog(run.stderr);
    expect(log.started.length).toBeLessThanOrEqual(2);
    expect(run.peakWorkers).toBeLessThanOrEqual(2);
    for (const pid of log.started) expect(isAlive(pid)).toBe(false);
  });

  it("--timeout cancels a tenant's operation that runs too long: it fails, its stack is left unlocked, --resume finishes it", async () => {
    const limited = await startWatched(
      f,
      [
        "upgrade",
        "tenants",
        "--image",
        IMAGE_V3,
        "--select",
        "slug=t01,t02",
        "--waves",
        "100%",
        "--concurrency",
        "2",
        "--timeout",
        "2s",
        "--health",
        "none",
        "--json",
      ],
      { PULUMI_STANDIN_DELAY_MS: "0,aws:ecs/service:Service=5000" },
    ).done;
    expect(limited.code).toBe(1);
    const doc = json<RolloutDoc & { id: string }>(limited);
    expect(doc.status).toBe("halted");
    for (const t of doc.tenants)
      expect(t).toMatchObject({ status: "failed", error: expect.stringMatching(/timed out after 2\.0s/) });
    const resumed = await startWatched(f, [
      "upgrade",
      "tenants",
      "--resume",
      "--timeout",
      "5m",
      "--health",
      "none",
      "--json",
    ]).done;
    expect(resumed.code).toBe(0);
    expect(json<RolloutDoc>(resumed).tenants.map((t) => t.status)).toEqual(["upgraded", "upgraded"]);
    expect(indexEntry(f, "t01").image).toBe(IMAGE_V3);
    expect(indexEntry(f, "t02").image).toBe(IMAGE_V3);
  });

  it("ends its workers when tenantctl itself is killed mid-rollout", async () => {
    const started = startWatched(
      f,
      [
        "upgrade",
        "tenants",
        "--image",
        IMAGE_V3,
        "--waves",
        "100%",
        "--concurrency",
        "2",
        "--health",
        "none",
        "--verbose",
        "--json",
      ],
      { PULUMI_STANDIN_DELAY_MS: "500" },
    );
    const busy = await waitFor(() => (started.stderr().match(/^worker \d+: runs /gm) ?? []).length >= 2, 120_000);
    expect(busy).toBe(true);
    const pids = workerPids(started.child.pid);
    expect(pids.length).toBeGreaterThanOrEqual(1);
    started.child.kill("SIGKILL");
    await started.done;
    // Idle workers exit at once; busy ones cancel their engine gracefully and exit when it stops.
    const gone = await waitFor(() => pids.every((pid) => !isAlive(pid)), 120_000);
    expect(pids.filter(isAlive)).toEqual([]);
    expect(gone).toBe(true);
  });
});
