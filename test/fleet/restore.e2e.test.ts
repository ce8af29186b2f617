/** `restore tenant` end to end: teardown, then restore from the recorded final snapshot with the recorded spec. */
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

interface RestoreDoc {
  snapshot: string;
  generation: number;
  spec: {
    tier: string;
    displayName: string;
    skin: { primaryColor: string };
    image: string;
    restoreFromSnapshot: string;
  };
}

describe("restore tenant (stand-in)", () => {
  let f: FleetEnv;
  let snapshot: string;

  beforeAll(async () => {
    f = fleetEnv();
    await sharedUp(f);
    await expectOk(
      f.run([
        "provision",
        "tenant",
        "acme",
        "--tier",
        "standard",
        "--display-name",
        "ACME Corp",
        "--color",
        "#0b8043",
        "--image",
        IMAGE_V1,
        "--yes",
      ]),
      "provision",
    );
    const teardown = json<{ finalSnapshotIdentifier: string }>(
      await expectOk(f.run(["teardown", "tenant", "acme", "--yes", "--json"]), "teardown"),
    );
    snapshot = teardown.finalSnapshotIdentifier;
  });

  it("refuses (exit 4) while the old secrets are in their recovery window, and touches nothing", async () => {
    const run = await f.run(["restore", "tenant", "acme", "--json"]);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/recovery window until .*acme-admin-token/);
    expect(run.stderr).toMatch(/--new-secrets/);
    expect(readAccount(f).resources.some((r) => r.stack === "tenantctl-tenants/dev-acme")).toBe(false);
  });

  it("brings the tenant back with its spec, its database restored from the final snapshot", async () => {
    expect(snapshot).toBe("tenantctl-dev-acme-final-1");
    const run = await f.run(["restore", "tenant", "acme", "--new-secrets", "--json"]);
    expect(run.code).toBe(0);
    const doc = json<RestoreDoc>(run);
    expect(doc.snapshot).toBe(snapshot);
    expect(doc.generation).toBe(2);
    expect(doc.spec).toMatchObject({
      tier: "standard",
      displayName: "ACME Corp",
      skin: { primaryColor: "#0b8043" },
      image: IMAGE_V1,
      restoreFromSnapshot: snapshot,
    });
    expect(indexEntry(f, "acme")).toMatchObject({
      status: "succeeded",
      spec: expect.objectContaining({ tier: "standard", displayName: "ACME Corp" }),
    });
    const db = readAccount(f).resources.find(
      (r) => r.stack === "tenantctl-tenants/dev-acme" && r.type === "aws:rds/instance:Instance",
    );
    expect(db?.inputs.snapshotIdentifier).toBe(snapshot);
    const status = await f.run(["status", "tenant", "acme", "--json"]);
    expect(status.code).toBe(0);
    expect(json<{ spec: { tier: string } }>(status).spec.tier).toBe("standard");
  });

  it("refuses to restore a tenant that exists (4) or was never torn down (3)", async () => {
    expect((await f.run(["restore", "tenant", "acme", "--new-secrets"])).code).toBe(4);
    expect((await f.run(["restore", "tenant", "zulu", "--new-secrets"])).code).toBe(3);
  });
});
