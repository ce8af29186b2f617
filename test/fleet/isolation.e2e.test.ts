/**
 * Each stack operation runs alone in its worker process: an unhandled rejection left by one tenant's program (injected
 * with a test-only preload that wraps infra/tenant/program in every process) fails that tenant and no other, and the
 * worker that ran it is retired, not reused.
 */
import { join } from "node:path";
import { poolLog } from "./support/process-watch";
import { fleetEnv, fleetWorld, indexEntry, IMAGE_V2, json, type FleetEnv } from "./support/fleet-env";

jest.setTimeout(15 * 60_000);

interface RolloutDoc {
  status: string;
  tenants: { slug: string; status: string; error: string | null }[];
}

describe("isolation of stack operations (stand-in)", () => {
  let f: FleetEnv;

  beforeAll(async () => {
    f = fleetEnv();
    // The shared stack and tenants t01..t03 at IMAGE_V1 (the fleet tests' cached world).
    await fleetWorld(f, 3);
  });

  it("fails only the tenant whose program leaves an unhandled rejection, while the others run beside it", async () => {
    const run = await f.run(
      [
        "upgrade",
        "tenants",
        "--image",
        IMAGE_V2,
        "--waves",
        "100%",
        "--concurrency",
        "3",
        "--max-failures",
        "1",
        "--health",
        "none",
        "--verbose",
        "--json",
      ],
      {
        NODE_OPTIONS: `--require ${join(__dirname, "support", "reject-preload.js")}`,
        FLEET_TEST_REJECT_SLUGS: "t02",
      },
    );
    expect(run.code).toBe(1);
    const doc = json<RolloutDoc>(run);
    expect(doc.status).toBe("completed");
    const bySlug = Object.fromEntries(doc.tenants.map((t) => [t.slug, t]));
    expect(bySlug["t02"]).toMatchObject({
      status: "failed",
      error: expect.stringContaining("injected unhandled rejection in the program of t02"),
    });
    expect(bySlug["t01"]?.status).toBe("upgraded");
    expect(bySlug["t03"]?.status).toBe("upgraded");
    expect(indexEntry(f, "t01").image).toBe(IMAGE_V2);
    expect(indexEntry(f, "t03").image).toBe(IMAGE_V2);
    expect(indexEntry(f, "t02").status).toBe("failed");
    const poisoned = [...poolLog(run.stderr).runs.entries()].find(([, slugs]) => slugs.includes("t02"));
    expect(poisoned?.[1]).toEqual(["t02"]);
    expect(run.stderr).toMatch(new RegExp(`^worker ${poisoned?.[0] ?? 0}: retired: `, "m"));
  });
});
