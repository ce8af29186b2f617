/**
 * Capacity seats are given back by every run that takes one and fails before its stack exists (issue 12, item 5), and
 * `capacity --reconcile` frees the seats of stacks that do not exist once they are older than a run could be.
 * Through the built CLI and the stand-in; `bin-no-stack-init` is the stand-in with `stack init` refused.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { treeHash } from "../cli/support/e2e";
import { expectOk, fleetEnv, IMAGE_V1, json, REPO, sharedUp, type FleetEnv } from "./support/fleet-env";

jest.setTimeout(15 * 60_000);

const NO_INIT_PATH = (f: FleetEnv): string =>
  `${join(REPO, "test", "support", "bin-no-stack-init")}:${f.env.PATH ?? ""}`;
const seats = (f: FleetEnv, pool: string): string[] => {
  const dir = join(f.backendRoot, ".tenantctl", ...pool.split("/"), "stacks");
  return existsSync(dir) ? readdirSync(dir).sort() : [];
};
const slots = (f: FleetEnv, pool: string): string[] => {
  const dir = join(f.backendRoot, ".tenantctl", ...pool.split("/"), "slots");
  return existsSync(dir) ? readdirSync(dir).sort() : [];
};
const priorities = (f: FleetEnv): string[] => {
  const dir = join(f.backendRoot, ".tenantctl", "priorities", "dev", "alb-0", "stacks");
  return existsSync(dir) ? readdirSync(dir).sort() : [];
};

interface CapacityDoc {
  counts: { stacksInAccount: number; stacksPerAlb: Record<string, number> };
  reconciled: { seats: { pool: string; stack: string; project: string }[]; applied: boolean } | null;
}

describe("capacity seats after failures (stand-in)", () => {
  let f: FleetEnv;

  beforeAll(async () => {
    f = fleetEnv("tenantctl-seats-");
    await sharedUp(f);
    await expectOk(f.run(["provision", "tenant", "acme", "--image", IMAGE_V1, "--yes"]), "provision acme");
    await expectOk(f.run(["provision", "tenant", "keeper", "--image", IMAGE_V1, "--yes"]), "provision keeper");
    await expectOk(f.run(["teardown", "tenant", "acme", "--yes"]), "teardown acme");
  });

  it("a failed restore --restore-secrets (exit 5, no AWS credentials) gives its seats and priority back", async () => {
    expect(seats(f, "capacity/account")).toEqual(["tenantctl-tenants.dev-keeper.json"]);
    const run = await f.run(["restore", "tenant", "acme", "--restore-secrets"]);
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/no AWS credentials to restore secret/);
    expect(seats(f, "capacity/account")).toEqual(["tenantctl-tenants.dev-keeper.json"]);
    expect(seats(f, "capacity/alb/dev/alb-0")).toEqual(["tenantctl-tenants.dev-keeper.json"]);
    expect(slots(f, "capacity/account")).toHaveLength(1);
    expect(priorities(f)).toEqual(["tenantctl-tenants.dev-keeper.json"]);
    expect(json<CapacityDoc>(await f.run(["capacity", "--json"])).counts.stacksInAccount).toBe(1);
  });

  it("a provision that fails before its stack exists gives its seats back", async () => {
    const run = await f.run(["provision", "tenant", "globex", "--image", IMAGE_V1, "--yes"], { PATH: NO_INIT_PATH(f) });
    expect(run.code).not.toBe(0);
    expect(seats(f, "capacity/account")).toEqual(["tenantctl-tenants.dev-keeper.json"]);
    expect(slots(f, "capacity/alb/dev/alb-0")).toHaveLength(1);
    expect(priorities(f)).toEqual(["tenantctl-tenants.dev-keeper.json"]);
  });

  it("a preview up that fails before its stack exists gives its seats back", async () => {
    const run = await f.run(["preview", "up", "--branch", "feature/seats", "--image", IMAGE_V1], {
      PATH: NO_INIT_PATH(f),
    });
    expect(run.code).not.toBe(0);
    expect(seats(f, "capacity/account")).toEqual(["tenantctl-tenants.dev-keeper.json"]);
    expect(slots(f, "capacity/account")).toHaveLength(1);
  });

  it("a provision whose engine run fails keeps its seats: its stack exists and counts", async () => {
    const run = await f.run(["provision", "tenant", "initech", "--image", IMAGE_V1, "--yes"], {
      PULUMI_STANDIN_FAIL: "aws:rds/instance:Instance::*",
    });
    expect(run.code).toBe(1);
    expect(seats(f, "capacity/account")).toEqual([
      "tenantctl-tenants.dev-initech.json",
      "tenantctl-tenants.dev-keeper.json",
    ]);
  });

  describe("capacity --reconcile", () => {
    const leak = (stack: string, seat: number, claimedAt: string): void => {
      // What a run killed between taking its seats and creating its stack leaves behind.
      for (const pool of [
        ["capacity", "account"],
        ["capacity", "alb", "dev", "alb-0"],
      ]) {
        const record = {
          seat,
          project: "tenantctl-tenants",
          stack,
          slug: stack.replace(/^dev-/, ""),
          claimedAt,
          pid: 1,
        };
        mkdirSync(join(f.backendRoot, ".tenantctl", ...pool, "slots"), { recursive: true });
        mkdirSync(join(f.backendRoot, ".tenantctl", ...pool, "stacks"), { recursive: true });
        writeFileSync(join(f.backendRoot, ".tenantctl", ...pool, "slots", `${seat}.json`), JSON.stringify(record));
        writeFileSync(
          join(f.backendRoot, ".tenantctl", ...pool, "stacks", `tenantctl-tenants.${stack}.json`),
          JSON.stringify(record),
        );
      }
    };

    beforeAll(() => {
      leak("dev-ghost", 17, new Date(Date.now() - 2 * 86_400_000).toISOString());
      leak("dev-fresh", 18, new Date().toISOString());
    });

    it("counts the leaked seats until reconciled", async () => {
      expect(json<CapacityDoc>(await f.run(["capacity", "--json"])).counts.stacksInAccount).toBe(4);
    });

    it("refuses to change anything without a terminal and without --yes (exit 2, backend byte-identical)", async () => {
      const before = treeHash(f.backendRoot);
      const run = await f.run(["capacity", "--reconcile"]);
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split("\n")).toEqual([
        "error: capacity --reconcile of env dev needs confirmation, and there is no terminal to ask on (allowed: tenantctl capacity --env dev --reconcile --yes)",
      ]);
      expect(treeHash(f.backendRoot)).toBe(before);
    });

    it("frees only the old seat of a stack that does not exist, and reports it in the table and --json", async () => {
      const run = await f.run(["capacity", "--reconcile", "--yes", "--json"]);
      expect(run.code).toBe(0);
      const doc = json<CapacityDoc>(run);
      expect(doc.reconciled?.applied).toBe(true);
      expect(doc.reconciled?.seats.map((s) => `${s.pool} ${s.stack}`).sort()).toEqual([
        "capacity/account dev-ghost",
        "capacity/alb/dev/alb-0 dev-ghost",
      ]);
      expect(doc.counts.stacksInAccount).toBe(3);
      expect(seats(f, "capacity/account")).toEqual([
        "tenantctl-tenants.dev-fresh.json",
        "tenantctl-tenants.dev-initech.json",
        "tenantctl-tenants.dev-keeper.json",
      ]);
      expect(slots(f, "capacity/account")).not.toContain("17.json");
      const again = await f.run(["capacity", "--reconcile", "--yes"]);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(
        /^reconciled: every seat belongs to a stack that exists \(or was claimed within the last 60 minutes\)$/m,
      );
    });

    it("prints what it released in the table output", async () => {
      leak("dev-ghost", 17, new Date(Date.now() - 2 * 86_400_000).toISOString());
      const run = await f.run(["capacity", "--reconcile", "--yes"]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(
        /^reconciled: released capacity\/account seat 17 of tenantctl-tenants\/dev-ghost \(claimed .*; the stack does not exist\)$/m,
      );
    });
  });
});
