/** `drift tenants` end to end: clean fleet → exit 0; a resource changed behind the program's back → exit 4 naming it. */
import { driftResource } from "../support/standin-account";
import { fleetEnv, IMAGE_V1, json, provisionAll, readAccount, sharedUp, type FleetEnv } from "./support/fleet-env";

jest.setTimeout(15 * 60_000);

interface DriftDoc {
  checked: number;
  drifted: number;
  tenants: { slug: string; status: string; resources: { type: string; name: string; op: string; keys: string[] }[] }[];
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
    expect(b?.resources).toEqual([expect.objectContaining({ type: SERVICE, name: "drift-b-svc", op: "update", keys: expect.arrayContaining(["desiredCount"]) })]);
    expect(doc.tenants.find((t) => t.slug === "drift-a")?.status).toBe("clean");
  });

  it("changes nothing: the same drift is found again", async () => {
    const run = await f.run(["drift", "tenants", "--select", "slug=drift-b", "--json"]);
    expect(run.code).toBe(4);
    expect(json<DriftDoc>(run).checked).toBe(1);
  });
});
