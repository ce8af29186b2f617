/** `drift tenants` end to end: clean fleet → exit 0; a resource changed behind the program's back → exit 4 naming it. */
import { driftResource } from "../support/standin-account";
import { fleetEnv, IMAGE_V1, json, provisionAll, readAccount, sharedUp, type FleetEnv } from "./support/fleet-env";

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
    await sharedUp(f);
    await provisionAll(f, ["drift-a", "drift-b"], 2, ["--image", IMAGE_V1]);
  });

  it("exits 0 when nothing drifted", async () => {
    const run = await f.run(["drift", "tenants", "--json"]);
    expect(run.code).toBe(0);
    expect(json<DriftDoc>(run)).toMatchObject({ checked: 2, drifted: 0 });
  });

  it("exits 4 and names the tenant and resource after someone changes it in the account", async () => {
    const before = readAccount(f).resources.find((r) => r.type === SERVICE && r.name === "drift-b-svc");
    expect(before?.outputs.desiredCount).toBe(1);
    driftResource(f.backendRoot, { type: SERVICE, name: "drift-b-svc" }, { desiredCount: 7 });
    const run = await f.run(["drift", "tenants", "--json"]);
    expect(run.code).toBe(4);
    const doc = json<DriftDoc>(run);
    expect(doc.drifted).toBe(1);
    const b = doc.tenants.find((t) => t.slug === "drift-b");
    expect(b?.status).toBe("drifted");
    expect(b?.resources).toEqual([
      expect.objectContaining({
        type: SERVICE,
        name: "drift-b-svc",
        op: "update",
        keys: expect.arrayContaining(["desiredCount"]),
      }),
    ]);
    expect(doc.tenants.find((t) => t.slug === "drift-a")?.status).toBe("clean");
  });

  it("changes nothing: the same drift is found again", async () => {
    const run = await f.run(["drift", "tenants", "--select", "slug=drift-b", "--json"]);
    expect(run.code).toBe(4);
    expect(json<DriftDoc>(run).checked).toBe(1);
  });

  it("gives each drifted tenant a fix that removes the drift: the next drift check exits 0", async () => {
    const before = await f.run(["drift", "tenants", "--json"]);
    expect(before.code).toBe(4);
    const doc = json<DriftDoc>(before);
    const fix = doc.tenants.find((t) => t.slug === "drift-b")?.fix;
    expect(fix).toBe("tenantctl update tenant drift-b --env dev --refresh --yes");
    expect(doc.tenants.find((t) => t.slug === "drift-a")?.fix).toBeNull();
    // The old suggestion (an update without a refresh) compares the program with the recorded state only: drift stays.
    const plain = await f.run(["update", "tenant", "drift-b", "--yes"]);
    expect(plain.code).toBe(0);
    expect((await f.run(["drift", "tenants"])).code).toBe(4);
    const argv = (fix ?? "").split(" ").slice(1);
    const fixed = await f.run(argv);
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toMatch(/updated 1/);
    expect(
      readAccount(f).resources.find((r) => r.type === SERVICE && r.name === "drift-b-svc")?.outputs.desiredCount,
    ).toBe(1);
    const after = await f.run(["drift", "tenants", "--json"]);
    expect(after.code).toBe(0);
    expect(json<DriftDoc>(after)).toMatchObject({ checked: 2, drifted: 0 });
  });

  it("prints the fix under each drifted tenant and in the hint", async () => {
    driftResource(f.backendRoot, { type: SERVICE, name: "drift-a-svc" }, "delete");
    const run = await f.run(["drift", "tenants"]);
    expect(run.code).toBe(4);
    expect(run.stdout).toMatch(
      /drift-a:\n\s+delete aws:ecs\/service:Service drift-a-svc\n\s+fix: tenantctl update tenant drift-a --env dev --refresh --yes/,
    );
    expect(run.stderr).toMatch(/tenantctl update tenant <slug> --env dev --refresh --yes/);
    expect((await f.run(["update", "tenant", "drift-a", "--env", "dev", "--refresh", "--yes"])).code).toBe(0);
    expect((await f.run(["drift", "tenants"])).code).toBe(0);
  });
});
