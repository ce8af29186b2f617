/**
 * The warm pool end to end: the built `tenantctl` against the stand-in `pulumi` and its simulated account.
 * fill → status → provision claims a slot (no database, task definition or service change; the listener rule and
 * tags change in place) → the claimed tenant is a normal tenant (list, status, update, teardown with its final
 * snapshot, restore) → --no-pool → two provisions racing for one slot → an unhealthy slot is skipped → drain (no snapshot).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { accountResources, driftResource, listSnapshots } from "../support/standin-account";
import { tempDir } from "../cli/support/memory-io";
import { e2eEnv, json, tenantctl, type Result, sharedUpDevWorld } from "../cli/support/e2e";

jest.setTimeout(10 * 60_000);

interface ProvisionDoc {
  tenant: string;
  stack: string;
  url: string;
  fromPool: boolean;
  poolSlot?: string;
  elapsedSeconds: number;
  resourceChanges: Record<string, number>;
}
interface StatusDoc {
  slots: { tenantId: string; tier: string; state: string; reason: string | null; monthlyCostUsd: number }[];
  tiers: Record<string, { slots: number; ready: number }>;
  monthlyCostUsd: number;
}
interface FillDoc {
  created: string[];
  existing: number;
}

describe("warm pool (stand-in)", () => {
  const cwd = tempDir("tenantctl-pool-");
  const backend = join(cwd, "backend");
  mkdirSync(backend);
  const env = e2eEnv(backend);
  const run = (...args: string[]): Promise<Result> => tenantctl(cwd, env, args);
  const ok = (r: Result): Result => {
    if (r.code !== 0) throw new Error(`exit ${String(r.code)}\n${r.stderr.slice(-3000)}`);
    return r;
  };
  const ofStack = (stack: string, type: string) =>
    accountResources(backend).filter((r) => r.stack === `tenantctl-tenants/${stack}` && r.type === type);
  let slots: string[] = [];

  beforeAll(async () => {
    await sharedUpDevWorld(cwd, env);
  });

  it("pool fill creates ready slots that count against capacity, and status lists them with their cost", async () => {
    const fill = json<FillDoc>(ok(await run("pool", "fill", "--tier", "basic", "--size", "2", "--json")));
    expect(fill.created).toHaveLength(2);
    slots = fill.created;
    for (const id of slots) expect(id).toMatch(/^t[a-z2-7]{10}$/);
    const again = json<FillDoc>(ok(await run("pool", "fill", "--tier", "basic", "--size", "2", "--json")));
    expect(again).toMatchObject({ created: [], existing: 2 });
    const status = json<StatusDoc>(ok(await run("pool", "status", "--json")));
    expect(status.tiers["basic"]).toEqual({ slots: 2, ready: 2, monthlyCostUsd: 49.18 });
    expect(status.slots.map((s) => s.state)).toEqual(["ready", "ready"]);
    expect(status.monthlyCostUsd).toBe(49.18);
    const capacity = json<{ counts: { stacksInAccount: number } }>(ok(await run("capacity", "--json")));
    expect(capacity.counts.stacksInAccount).toBe(2);
    // Unassigned slots are not tenants: list does not show them, and their rule matches no real host.
    expect(json<{ tenants: unknown[] }>(ok(await run("list", "tenants", "--json"))).tenants).toEqual([]);
    const rule = ofStack(`dev-${slots[0] ?? ""}`, "aws:lb/listenerRule:ListenerRule")[0];
    expect(JSON.stringify(rule?.inputs["conditions"])).toContain(".unassigned.invalid");
  });

  it("provision claims the oldest ready slot: no database, task definition or service change, renamed to the tenant", async () => {
    const slot = slots[0] ?? "";
    const before = accountResources(backend).filter((r) => r.stack === `tenantctl-tenants/dev-${slot}`);
    const pick = (rs: typeof before, type: string) =>
      rs.filter((r) => r.type === type).map((r) => ({ id: r.id, arn: r.outputs["arn"] ?? null }));
    const doc = json<ProvisionDoc>(
      ok(await run("provision", "tenant", "acme", "--tier", "basic", "--display-name", "ACME Corp", "--json")),
    );
    expect(doc).toMatchObject({
      tenant: "acme",
      stack: "dev-acme",
      url: "https://acme.dev.tenants.example.com",
      fromPool: true,
      poolSlot: slot,
    });
    expect(doc.elapsedSeconds).toBeGreaterThan(0);
    expect(doc.resourceChanges["delete"]).toBeUndefined();
    // The stack moved to the tenant's name; the resources are the same ones (ids, ARNs).
    const after = accountResources(backend).filter(
      (r) => r.stack === "tenantctl-tenants/dev-acme" || r.stack === `tenantctl-tenants/dev-${slot}`,
    );
    for (const type of [
      "aws:rds/instance:Instance",
      "aws:ecs/taskDefinition:TaskDefinition",
      "aws:ecs/service:Service",
      "aws:lb/targetGroup:TargetGroup",
    ]) {
      expect(pick(after, type)).toEqual(pick(before, type));
    }
    const service = after.find((r) => r.type === "aws:ecs/service:Service");
    expect(service?.inputs["taskDefinition"]).toBe(
      before.find((r) => r.type === "aws:ecs/service:Service")?.inputs["taskDefinition"],
    );
    const db = after.find((r) => r.type === "aws:rds/instance:Instance");
    const dbBefore = before.find((r) => r.type === "aws:rds/instance:Instance");
    const { tags: _t, tagsAll: _ta, ...dbInputs } = db?.inputs ?? {};
    const { tags: _u, tagsAll: _ua, ...dbInputsBefore } = dbBefore?.inputs ?? {};
    expect(dbInputs).toEqual(dbInputsBefore);
    expect(db?.inputs["tags"]).toMatchObject({ tenant: "acme", "tenant-id": slot });
    const rule = after.find((r) => r.type === "aws:lb/listenerRule:ListenerRule");
    expect(JSON.stringify(rule?.inputs["conditions"])).toContain("acme.dev.tenants.example.com");

    const status = json<StatusDoc>(ok(await run("pool", "status", "--json")));
    expect(status.slots.map((s) => s.tenantId)).toEqual([slots[1]]);
  });

  it("the claimed tenant is a normal tenant: list, status, update", async () => {
    const list = json<{ tenants: { slug: string; status: string }[] }>(ok(await run("list", "tenants", "--json")));
    expect(list.tenants).toEqual([expect.objectContaining({ slug: "acme", status: "provision succeeded" })]);
    const status = json<{ stack: string; spec: { slug: string; tenantId: string } }>(
      ok(await run("status", "tenant", "acme", "--json")),
    );
    expect(status).toMatchObject({ stack: "dev-acme", spec: { slug: "acme", tenantId: slots[0] } });
    const update = json<{ resourceChanges: Record<string, number> }>(
      ok(await run("update", "tenant", "acme", "--display-name", "ACME Inc", "--yes", "--json")),
    );
    // A new name is a new identity document, nothing else.
    expect(update.resourceChanges).toMatchObject({ replace: 1 });
    expect(update.resourceChanges["update"]).toBeUndefined();
    const capacity = json<{ counts: { stacksInAccount: number; prioritiesPerAlb: Record<string, number> } }>(
      ok(await run("capacity", "--json")),
    );
    expect(capacity.counts).toMatchObject({ stacksInAccount: 2, prioritiesPerAlb: { "alb-0": 2 } });
  });

  it("--no-pool provisions cold and leaves the pool alone", async () => {
    const doc = json<ProvisionDoc>(
      ok(await run("provision", "tenant", "globex", "--tier", "basic", "--no-pool", "--json")),
    );
    expect(doc.fromPool).toBe(false);
    expect(doc.resourceChanges["create"]).toBeGreaterThan(10);
    expect(json<StatusDoc>(ok(await run("pool", "status", "--json"))).slots).toHaveLength(1);
  });

  it("two provisions racing for the one ready slot: exactly one gets it, the other provisions cold", async () => {
    const [a, b] = await Promise.all([
      run("provision", "tenant", "racer-a", "--tier", "basic", "--json"),
      run("provision", "tenant", "racer-b", "--tier", "basic", "--json"),
    ]);
    const docs = [json<ProvisionDoc>(ok(a)), json<ProvisionDoc>(ok(b))];
    expect(docs.map((d) => d.fromPool).sort()).toEqual([false, true]);
    expect(docs.find((d) => d.fromPool)?.poolSlot).toBe(slots[1]);
    expect(json<StatusDoc>(ok(await run("pool", "status", "--json"))).slots).toEqual([]);
    const list = json<{ tenants: { slug: string }[] }>(ok(await run("list", "tenants", "--json")));
    expect(list.tenants.map((t) => t.slug)).toEqual(["acme", "globex", "racer-a", "racer-b"]);
  });

  it("a slot found unhealthy is reported and skipped (cold provision); drain removes it without a final snapshot", async () => {
    const fill = json<FillDoc>(ok(await run("pool", "fill", "--tier", "basic", "--size", "1", "--json")));
    const sick = fill.created[0] ?? "";
    driftResource(backend, { type: "aws:rds/instance:Instance", stack: `tenantctl-tenants/dev-${sick}` }, "delete");
    const status = json<StatusDoc>(ok(await run("pool", "status", "--check", "--json")));
    expect(status.slots).toEqual([
      expect.objectContaining({
        tenantId: sick,
        state: "unhealthy",
        reason: expect.stringMatching(/db gone/) as unknown,
      }),
    ]);
    const doc = json<ProvisionDoc>(ok(await run("provision", "tenant", "initech", "--tier", "basic", "--json")));
    expect(doc.fromPool).toBe(false);

    const refused = await run("pool", "drain", "--tier", "basic");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: pool drain deletes slots and needs a confirmation/m);
    const snapshotsBefore = listSnapshots(backend).length;
    const drained = json<{ removed: string[]; finalSnapshots: string }>(
      ok(await run("pool", "drain", "--tier", "basic", "--yes", "--json")),
    );
    expect(drained.removed).toEqual([sick]);
    expect(drained.finalSnapshots).toMatch(/^none/);
    expect(listSnapshots(backend)).toHaveLength(snapshotsBefore);
    expect(accountResources(backend).filter((r) => r.stack === `tenantctl-tenants/dev-${sick}`)).toEqual([]);
  });

  it("teardown of a claimed tenant takes its final snapshot, named by its tenant id", async () => {
    const doc = json<{ finalSnapshotIdentifier: string; stackRemoved: boolean }>(
      ok(await run("teardown", "tenant", "acme", "--yes", "--json")),
    );
    expect(doc).toEqual(
      expect.objectContaining({
        finalSnapshotIdentifier: `tenantctl-dev-${slots[0] ?? ""}-final-1`,
        stackRemoved: true,
      }),
    );
    expect(listSnapshots(backend).map((s) => s.dbSnapshotIdentifier)).toContain(
      `tenantctl-dev-${slots[0] ?? ""}-final-1`,
    );
  });

  it("restore brings the claimed tenant back from that snapshot, still named by its tenant id", async () => {
    const id = slots[0] ?? "";
    const doc = json<{
      snapshot: string;
      generation: number;
      spec: { slug: string; tenantId: string; restoreFromSnapshot: string };
    }>(ok(await run("restore", "tenant", "acme", "--new-secrets", "--json")));
    expect(doc).toMatchObject({
      snapshot: `tenantctl-dev-${id}-final-1`,
      generation: 2,
      spec: { slug: "acme", tenantId: id, restoreFromSnapshot: `tenantctl-dev-${id}-final-1` },
    });
    const status = json<{ stack: string; outputs: { finalSnapshotIdentifier: string } }>(
      ok(await run("status", "tenant", "acme", "--json")),
    );
    expect(status).toMatchObject({
      stack: "dev-acme",
      outputs: { finalSnapshotIdentifier: `tenantctl-dev-${id}-final-2` },
    });
  });

  it("refuses bad pool input with one error line and exit 2", async () => {
    for (const [args, message] of [
      [
        ["pool", "fill", "--tier", "preview", "--size", "1"],
        /^error: --tier "preview" is not a pool tier \(allowed: basic, standard, premium\)$/m,
      ],
      [
        ["pool", "fill", "--tier", "basic", "--size", "two"],
        /^error: --size "two" is not a whole number \(allowed: a whole number 0-50\)$/m,
      ],
      [["pool", "fill", "--size", "1"], /^error: --tier is required \(allowed: basic, standard, premium\)$/m],
      [
        ["pool", "drain", "--tier", "basic", "--size", "0", "--yes"],
        /^error: --size 0 is out of range \(allowed: a whole number 1-50\)$/m,
      ],
    ] as const) {
      const r = await run(...args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe("");
    }
  });
});
