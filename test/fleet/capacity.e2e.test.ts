/**
 * Capacity end to end: tenants are placed on the ALB with room, provision refuses with exit 5 naming the limit and
 * the fix before a limit is crossed (nothing is created), `capacity` shows the headroom, and `list --refresh`
 * rebuilds the tenant index from the stacks.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import {
  expectOk,
  fleetEnv,
  indexEntry,
  IMAGE_V1,
  json,
  readAccount,
  sharedUp,
  type FleetEnv,
} from "./support/fleet-env";

jest.setTimeout(15 * 60_000);

const ONE_PER_ALB = { TENANTCTL_QUOTA_TARGET_GROUPS_PER_ALB: "1" };

interface CapacityDoc {
  rows: { limit: string; scope: string; used: number; max: number; tenantsLeft: number }[];
  next: { loadBalancer?: string; refused?: string; fix?: string };
}

describe("capacity (stand-in)", () => {
  let f: FleetEnv;

  beforeAll(async () => {
    f = fleetEnv();
    await sharedUp(f, 2);
  });

  it("places tenants on the ALB with room", async () => {
    await expectOk(
      f.run(["provision", "tenant", "cap-a", "--image", IMAGE_V1, "--yes"], ONE_PER_ALB),
      "provision cap-a",
    );
    await expectOk(
      f.run(["provision", "tenant", "cap-b", "--image", IMAGE_V1, "--yes"], ONE_PER_ALB),
      "provision cap-b",
    );
    expect(indexEntry(f, "cap-a").spec.loadBalancer).toBe("alb-0");
    expect(indexEntry(f, "cap-b").spec.loadBalancer).toBe("alb-1");
  });

  it("refuses with exit 5 at the target group cap of every ALB, naming the limit and the fix, creating nothing", async () => {
    const run = await f.run(["provision", "tenant", "cap-c", "--image", IMAGE_V1, "--yes"], ONE_PER_ALB);
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/target-groups-per-alb: every ALB is full/);
    expect(run.stderr).toMatch(/add an ALB shard: tenantctl shared up --env dev --config albCount=3/);
    expect(() => indexEntry(f, "cap-c")).toThrow();
    expect(readAccount(f).resources.some((r) => r.stack === "tenantctl-tenants/dev-cap-c")).toBe(false);
  });

  it("refuses with exit 5 at the RDS quota, naming it", async () => {
    const run = await f.run(["provision", "tenant", "cap-c", "--image", IMAGE_V1, "--yes"], {
      TENANTCTL_QUOTA_RDS_INSTANCES: "2",
    });
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/rds-instances: 2 of 2 in use/);
    expect(run.stderr).toMatch(/raise the RDS "DB instances" quota/);
  });

  it("shows the headroom per account and per ALB", async () => {
    const doc = json<CapacityDoc>(await expectOk(f.run(["capacity", "--json"], ONE_PER_ALB), "capacity"));
    expect(doc.rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ limit: "rds-instances", scope: "account", used: 2, max: 40 }),
        expect.objectContaining({ limit: "iam-roles", scope: "account", used: 6 }),
        expect.objectContaining({ limit: "target-groups-per-alb", scope: "alb-0", used: 1, max: 1, tenantsLeft: 0 }),
        expect.objectContaining({ limit: "listener-rules-per-alb", scope: "alb-1", used: 1 }),
      ]),
    );
    expect(doc.next.refused).toMatch(/every ALB is full/);
    const roomy = json<CapacityDoc>(await expectOk(f.run(["capacity", "--json"]), "capacity"));
    expect(roomy.next.loadBalancer).toBe("alb-0");
  });

  it("list --refresh rebuilds a lost tenant index from the stacks", async () => {
    rmSync(join(f.backendRoot, ".tenantctl", "index"), { recursive: true, force: true });
    expect(json<{ tenants: unknown[] }>(await expectOk(f.run(["list", "tenants", "--json"]), "list")).tenants).toEqual(
      [],
    );
    const refreshed = json<{ tenants: { slug: string; tier: string }[] }>(
      await expectOk(f.run(["list", "tenants", "--refresh", "--json"]), "list --refresh"),
    );
    expect(refreshed.tenants.map((t) => t.slug)).toEqual(["cap-a", "cap-b"]);
    expect(indexEntry(f, "cap-b").spec.loadBalancer).toBe("alb-1");
  });
});
