/**
 * Each stack operation runs alone in its worker process: an unhandled rejection left by one tenant's program (injected
 * with a test-only preload that wraps infra/tenant/program in every process) fails that tenant and no other, and the
 * worker that ran it is retired, not reused.
 */
import { join } from "node:path";
import { poolLog } from "./support/process-watch";
import {
  fleetEnv,
  indexEntry,
  IMAGE_V1,
  IMAGE_V2,
  json,
  provisionAll,
  sharedUp,
  type FleetEnv,
} from "./support/fleet-env";

jest.setTimeout(15 * 60_000);

interface RolloutDoc {
  status: string;
  tenants: { slug: string; status: string; error: string | null }[];
}

describe("isolation of stack operations (stand-in)", () => {
  let f: FleetEnv;

  beforeAll(async () => {
    f = fleetEnv();
    await sharedUp(f);
    await provisionAll(f, ["iso-a", "iso-b", "iso-c"], 3, ["--image", IMAGE_V1]);
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
        FLEET_TEST_REJECT_SLUGS: "iso-b",
      },
    );
    expect(run.code).toBe(1);
    const doc = json<RolloutDoc>(run);
    expect(doc.status).toBe("completed");
    const bySlug = Object.fromEntries(doc.tenants.map((t) => [t.slug, t]));
    expect(bySlug["iso-b"]).toMatchObject({
      status: "failed",
      error: expect.stringContaining("injected unhandled rejection in the program of iso-b"),
    });
    expect(bySlug["iso-a"]?.status).toBe("upgraded");
    expect(bySlug["iso-c"]?.status).toBe("upgraded");
    expect(indexEntry(f, "iso-a").image).toBe(IMAGE_V2);
    expect(indexEntry(f, "iso-c").image).toBe(IMAGE_V2);
    expect(indexEntry(f, "iso-b").status).toBe("failed");
    const poisoned = [...poolLog(run.stderr).runs.entries()].find(([, slugs]) => slugs.includes("iso-b"));
    expect(poisoned?.[1]).toEqual(["iso-b"]);
    expect(run.stderr).toMatch(new RegExp(`^worker ${poisoned?.[0] ?? 0}: retired: `, "m"));
  });
});
