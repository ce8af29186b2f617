/**
 * `upgrade tenants` end to end through the stand-in: 6 tenants (one pinned), 3 waves (1, 2 and the last 2), one
 * injected failure in wave 2 halts the rollout there (its other tenant upgraded, wave 3 untouched), the pinned tenant
 * is skipped, and --resume finishes the job.
 */
import {
  expectOk,
  fleetEnv,
  fleetSlugs,
  fleetWorld,
  indexEntry,
  IMAGE_V1,
  IMAGE_V2,
  json,
  PINNED,
  type FleetEnv,
} from "./support/fleet-env";
import { startHealthServer, type HealthServer } from "./support/health-server";

jest.setTimeout(20 * 60_000);

const slugs = fleetSlugs(6);
// Waves 1,50%,100% over the 5 unpinned tenants (t05 is pinned): up to 1, up to 3 (50% rounded up), then all 5.
const wave3 = ["t04", "t06"];

interface RolloutDoc {
  status: string;
  haltReason: string | null;
  waves: { wave: number; tenants: string[] }[];
  pinned: string[];
  tenants: { slug: string; status: string; error: string | null; attempts: number }[];
}

describe("upgrade tenants (stand-in)", () => {
  let f: FleetEnv;
  let health: HealthServer;
  const status = (doc: RolloutDoc, slug: string) => doc.tenants.find((t) => t.slug === slug);

  beforeAll(async () => {
    f = fleetEnv();
    health = await startHealthServer();
    // The shared stack and tenants t01..t06 at IMAGE_V1 (the fleet tests' cached world).
    await fleetWorld(f, slugs.length);
    await expectOk(f.run(["update", "tenant", "t05", "--pin-image", PINNED, "--yes"]), "pin t05");
  });

  afterAll(async () => {
    await health.close();
  });

  it("plans 3 waves without touching anything on --dry-run", async () => {
    const run = await f.run([
      "upgrade",
      "tenants",
      "--image",
      IMAGE_V2,
      "--waves",
      "1,50%,100%",
      "--dry-run",
      "--json",
    ]);
    expect(run.code).toBe(0);
    const doc = json<RolloutDoc>(run);
    expect(doc.waves.map((w) => w.tenants)).toEqual([["t01"], ["t02", "t03"], wave3]);
    expect(doc.pinned).toEqual(["t05"]);
    expect(indexEntry(f, "t01").image).toBe(IMAGE_V1);
  });

  it("halts after the wave where a tenant fails, leaving the next wave untouched and the pinned tenant alone", async () => {
    const run = await f.run(
      [
        "upgrade",
        "tenants",
        "--image",
        IMAGE_V2,
        "--waves",
        "1,50%,100%",
        "--concurrency",
        "4",
        "--max-failures",
        "0",
        "--health-url",
        health.template,
        "--json",
      ],
      { PULUMI_STANDIN_FAIL: "aws:ecs/taskDefinition:TaskDefinition::t03-taskdef" },
    );
    expect(run.code).toBe(1);
    const doc = json<RolloutDoc>(run);
    expect(doc.status).toBe("halted");
    expect(doc.haltReason).toMatch(/after wave 2\/3: 1 failure/);
    expect(status(doc, "t01")?.status).toBe("upgraded");
    expect(status(doc, "t02")?.status).toBe("upgraded");
    expect(status(doc, "t03")).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/t03-taskdef.*injected failure/),
    });
    for (const slug of wave3) expect(status(doc, slug)?.status).toBe("pending");
    expect(indexEntry(f, "t02").image).toBe(IMAGE_V2);
    expect(indexEntry(f, "t03").status).toBe("failed");
    for (const slug of wave3) expect(indexEntry(f, slug).image).toBe(IMAGE_V1);
    expect(indexEntry(f, "t05").image).toBe(PINNED);
    expect(health.hits.get("t01")).toBeGreaterThan(0);
    expect(health.hits.get("t04")).toBeUndefined();
  });

  it("resumes where it stopped: retries the failed tenant, upgrades the last wave, still skips the pinned one", async () => {
    const run = await f.run(["upgrade", "tenants", "--resume", "--concurrency", "4", "--json"]);
    expect(run.code).toBe(0);
    const doc = json<RolloutDoc>(run);
    expect(doc.status).toBe("completed");
    expect(status(doc, "t03")).toMatchObject({ status: "upgraded", attempts: 2 });
    expect(status(doc, "t01")?.attempts).toBe(1);
    for (const slug of slugs.filter((s) => s !== "t05")) expect(indexEntry(f, slug).image).toBe(IMAGE_V2);
    expect(indexEntry(f, "t05").image).toBe(PINNED);
    expect(health.hits.get("t06")).toBeGreaterThan(0);
  });

  it("has nothing left to resume afterwards", async () => {
    const run = await f.run(["upgrade", "tenants", "--resume", "--json"]);
    expect(run.code).toBe(3);
  });
});
