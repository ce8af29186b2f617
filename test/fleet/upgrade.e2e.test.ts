/**
 * `upgrade tenants` end to end through the stand-in: 12 tenants, 3 waves, one injected failure in wave 2 halts the
 * rollout there (wave 3 untouched), a pinned tenant is skipped, and --resume finishes the job.
 */
import {
  expectOk,
  fleetEnv,
  indexEntry,
  IMAGE_V1,
  IMAGE_V2,
  json,
  PINNED,
  provisionAll,
  sharedUp,
  type FleetEnv,
} from "./support/fleet-env";
import { startHealthServer, type HealthServer } from "./support/health-server";

jest.setTimeout(20 * 60_000);

const slugs = Array.from({ length: 12 }, (_, i) => `t${String(i + 1).padStart(2, "0")}`);
const wave3 = ["t04", "t05", "t06", "t08", "t09", "t10", "t11", "t12"];

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
    await sharedUp(f);
    await provisionAll(f, slugs, 3, ["--image", IMAGE_V1]);
    await expectOk(f.run(["update", "tenant", "t07", "--pin-image", PINNED, "--yes"]), "pin t07");
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
      "1,25%,100%",
      "--dry-run",
      "--json",
    ]);
    expect(run.code).toBe(0);
    const doc = json<RolloutDoc>(run);
    expect(doc.waves.map((w) => w.tenants)).toEqual([["t01"], ["t02", "t03"], wave3]);
    expect(doc.pinned).toEqual(["t07"]);
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
        "1,25%,100%",
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
    expect(indexEntry(f, "t07").image).toBe(PINNED);
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
    for (const slug of slugs.filter((s) => s !== "t07")) expect(indexEntry(f, slug).image).toBe(IMAGE_V2);
    expect(indexEntry(f, "t07").image).toBe(PINNED);
    expect(health.hits.get("t12")).toBeGreaterThan(0);
  });

  it("has nothing left to resume afterwards", async () => {
    const run = await f.run(["upgrade", "tenants", "--resume", "--json"]);
    expect(run.code).toBe(3);
  });
});
