/** `drift tenants` end to end: clean fleet → exit 0; a resource changed behind the program's back → exit 4 naming it. */
import { driftResource } from "../support/standin-account";
import { fleetEnv, fleetWorld, json, readAccount, type FleetEnv } from "./support/fleet-env";

jest.setTimeout(15 * 60_000);

interface DriftDoc {
  checked: number;
  drifted: number;
  tenants: {
    slug: string;
    status: string;
    fix: string | null;
    resources: { type: string; name: string; op: string; keys: string[] }[];
  }[];
}

const SERVICE = "aws:ecs/service:Service";

describe("drift tenants (stand-in)", () => {
  let f: FleetEnv;

  beforeAll(async () => {
    f = fleetEnv();
    // The shared stack and tenants t01, t02 (the fleet tests' cached world).
    await fleetWorld(f, 2);
  });

  it("exits 0 when nothing drifted", async () => {
    const run = await f.run(["drift", "tenants", "--json"]);
    expect(run.code).toBe(0);
    expect(json<DriftDoc>(run)).toMatchObject({ checked: 2, drifted: 0 });
  });

  it("exits 4 and names the tenant and resource after someone changes it in the account", async () => {
    const before = readAccount(f).resources.find((r) => r.type === SERVICE && r.name === "t02-svc");
    expect(before?.outputs.desiredCount).toBe(1);
    driftResource(f.backendRoot, { type: SERVICE, name: "t02-svc" }, { desiredCount: 7 });
    const run = await f.run(["drift", "tenants", "--json"]);
    expect(run.code).toBe(4);
    const doc = json<DriftDoc>(run);
    expect(doc.drifted).toBe(1);
    const b = doc.tenants.find((t) => t.slug === "t02");
    expect(b?.status).toBe("drifted");
    expect(b?.resources).toEqual([
      expect.objectContaining({
        type: SERVICE,
        name: "t02-svc",
        op: "update",
        keys: expect.arrayContaining(["desiredCount"]),
      }),
    ]);
    expect(doc.tenants.find((t) => t.slug === "t01")?.status).toBe("clean");
  });

  it("changes nothing: the same drift is found again", async () => {
    const run = await f.run(["drift", "tenants", "--select", "slug=t02", "--json"]);
    expect(run.code).toBe(4);
    expect(json<DriftDoc>(run).checked).toBe(1);
  });

  it("gives each drifted tenant a fix that removes the drift: the next drift check exits 0", async () => {
    const before = await f.run(["drift", "tenants", "--json"]);
    expect(before.code).toBe(4);
    const doc = json<DriftDoc>(before);
    const fix = doc.tenants.find((t) => t.slug === "t02")?.fix;
    expect(fix).toBe("tenantctl update tenant t02 --env dev --refresh --yes");
    expect(doc.tenants.find((t) => t.slug === "t01")?.fix).toBeNull();
    // The old suggestion (an update without a refresh) compares the program with the recorded state only: drift stays.
    const plain = await f.run(["update", "tenant", "t02", "--yes"]);
    expect(plain.code).toBe(0);
    expect((await f.run(["drift", "tenants"])).code).toBe(4);
    const argv = (fix ?? "").split(" ").slice(1);
    const fixed = await f.run(argv);
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toMatch(/updated 1/);
    expect(readAccount(f).resources.find((r) => r.type === SERVICE && r.name === "t02-svc")?.outputs.desiredCount).toBe(
      1,
    );
    const after = await f.run(["drift", "tenants", "--json"]);
    expect(after.code).toBe(0);
    expect(json<DriftDoc>(after)).toMatchObject({ checked: 2, drifted: 0 });
  });

  it("prints the fix under each drifted tenant and in the hint", async () => {
    driftResource(f.backendRoot, { type: SERVICE, name: "t01-svc" }, "delete");
    const run = await f.run(["drift", "tenants"]);
    expect(run.code).toBe(4);
    expect(run.stdout).toMatch(
      /t01:\n\s+delete aws:ecs\/service:Service t01-svc\n\s+fix: tenantctl update tenant t01 --env dev --refresh --yes/,
    );
    expect(run.stderr).toMatch(/tenantctl update tenant <slug> --env dev --refresh --yes/);
    expect((await f.run(["update", "tenant", "t01", "--env", "dev", "--refresh", "--yes"])).code).toBe(0);
    expect((await f.run(["drift", "tenants"])).code).toBe(0);
  });
});
