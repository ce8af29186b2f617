import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FileRecordStore } from "../../cli/store/records";
import { plaintextSecretPaths, finalSnapshotFromState } from "../../cli/store/archive";
import { describeLock, lockHolderFromText } from "../../cli/store/locks";
import { listIndex, writeIndexEntry, removeIndexEntry } from "../../cli/store/tenant-index";
import { tempDir } from "./support/memory-io";

const SIG = "4dabf18193072939515e22adb298388d";

describe("record store", () => {
  it("creates exclusively once and lists, reads and removes records", async () => {
    const dir = tempDir();
    const store = new FileRecordStore(dir);
    expect(await store.createExclusive("a/b/1.json", { n: 1 })).toBe(true);
    expect(await store.createExclusive("a/b/1.json", { n: 2 })).toBe(false);
    expect(await store.readJson("a/b/1.json")).toEqual({ n: 1 });
    await store.writeJson("a/b/2.json", { n: 2 });
    expect(await store.list("a/b")).toEqual(["1.json", "2.json"]);
    await store.remove("a/b/1.json");
    expect(await store.list("a/b")).toEqual(["2.json"]);
    expect(await store.list("missing")).toEqual([]);
    expect(readdirSync(`${dir}/a/b`)).toEqual(["2.json"]);
  });

  it("rejects keys that would escape the folder", async () => {
    const store = new FileRecordStore(tempDir());
    await expect(store.writeJson("../x.json", {})).rejects.toThrow(/invalid record key/);
  });
});

describe("tenant index", () => {
  it("keeps createdAt across updates, sorts by env and slug, and forgets removed tenants", async () => {
    const store = new FileRecordStore(tempDir());
    const spec = (slug: string, env: string) =>
      ({
        slug,
        env,
        tier: "basic",
        displayName: slug,
        image: "r/app:1",
        skin: { primaryColor: "#000000" },
        listenerPriority: 100,
        loadBalancer: "alb-0",
        generation: 1,
      }) as never;
    await writeIndexEntry(store, {
      spec: spec("zeta", "dev"),
      project: "p",
      stack: "dev-zeta",
      operation: "provision",
      status: "in-progress",
      now: new Date("2026-01-01T00:00:00Z"),
    });
    await writeIndexEntry(store, {
      spec: spec("zeta", "dev"),
      project: "p",
      stack: "dev-zeta",
      operation: "provision",
      status: "succeeded",
      url: "https://zeta",
      now: new Date("2026-01-02T00:00:00Z"),
    });
    await writeIndexEntry(store, {
      spec: spec("acme", "dev"),
      project: "p",
      stack: "dev-acme",
      operation: "provision",
      status: "failed",
      message: "boom",
      now: new Date("2026-01-03T00:00:00Z"),
    });
    const entries = await listIndex(store, "p");
    expect(entries.map((e) => e.slug)).toEqual(["acme", "zeta"]);
    expect(entries[1]).toMatchObject({
      createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-02T00:00:00.000Z",
      status: "succeeded",
      url: "https://zeta",
    });
    await removeIndexEntry(store, "p", "dev-acme");
    expect((await listIndex(store, "p")).map((e) => e.slug)).toEqual(["zeta"]);
  });

  it("skips a record cut short by a crash but fails when a record cannot be read at all", async () => {
    const root = tempDir();
    const store = new FileRecordStore(root);
    const spec = {
      slug: "zeta",
      env: "dev",
      tier: "basic",
      displayName: "zeta",
      image: "r/app:1",
      skin: { primaryColor: "#000000" },
      listenerPriority: 100,
      loadBalancer: "alb-0",
      generation: 1,
    } as never;
    await writeIndexEntry(store, {
      spec,
      project: "p",
      stack: "dev-zeta",
      operation: "provision",
      status: "succeeded",
      now: new Date("2026-01-01T00:00:00Z"),
    });
    writeFileSync(join(root, "index", "p", "dev-torn.json"), '{"slug": "torn", "env": "d');
    expect((await listIndex(store, "p")).map((e) => e.slug)).toEqual(["zeta"]);
    const denied = Object.assign(Object.create(store) as FileRecordStore, {
      readJson: async () => {
        throw new Error("AccessDenied: s3:GetObject on index/p/dev-zeta.json");
      },
    });
    await expect(listIndex(denied, "p")).rejects.toThrow(/AccessDenied/);
  });
});

describe("state archive checks", () => {
  it("accepts encrypted secrets and flags plaintext ones", () => {
    const safe = {
      deployment: {
        resources: [{ outputs: { token: { [SIG]: "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" } } }],
      },
    };
    const leaky = {
      deployment: {
        resources: [{ outputs: { token: { [SIG]: "1b47061264138c4ac30d75fd1eb44270", plaintext: '"hunter2"' } } }],
      },
    };
    expect(plaintextSecretPaths(safe)).toEqual([]);
    expect(plaintextSecretPaths(leaky)).toEqual(["$.deployment.resources[0].outputs.token"]);
  });

  it("finds the final snapshot the destroy will take", () => {
    const state = (props: Record<string, unknown>) => ({
      version: 3,
      deployment: { resources: [{ type: "aws:rds/instance:Instance", inputs: props }] },
    });
    expect(finalSnapshotFromState(state({ finalSnapshotIdentifier: "tenantctl-dev-acme-final-1" }))).toBe(
      "tenantctl-dev-acme-final-1",
    );
    expect(finalSnapshotFromState(state({ finalSnapshotIdentifier: "x", skipFinalSnapshot: true }))).toBeUndefined();
  });
});

describe("lock holders", () => {
  it("parses the file backend's lock message", () => {
    const text =
      "the stack is currently locked by 1 lock(s).\n  file:///b/.pulumi/locks/organization/p/dev-acme/1.json: created by ana@ops-1 (pid 4242) at 2026-01-01T10:00:00Z";
    const holder = lockHolderFromText(text);
    expect(holder).toMatchObject({ who: "ana@ops-1", pid: 4242, since: "2026-01-01T10:00:00Z" });
    expect(describeLock(holder)).toBe("ana@ops-1 (pid 4242) since 2026-01-01T10:00:00Z");
  });
});
