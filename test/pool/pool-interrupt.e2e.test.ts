/**
 * A claim interrupted half-way (the stand-in engine SIGKILLs itself when the slot's listener rule starts to change)
 * leaves the slot neither free nor a half-assigned tenant: it stays claimed (no other provision gets it), no tenant
 * is listed, and `pool status` names the recovery steps; once they are followed the next `pool status` finishes the
 * claim (rolls it forward) and the tenant is complete.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { accountResources } from "../support/standin-account";
import { tempDir } from "../cli/support/memory-io";
import { e2eEnv, json, tenantctlProcess, type Result, sharedUpDevWorld } from "../cli/support/e2e";

jest.setTimeout(10 * 60_000);

interface StatusDoc {
  slots: { tenantId: string; state: string; reason: string | null }[];
  finishedClaims: string[];
  stuckClaims: { tenantId: string; slug: string; error: string }[];
}

describe("a warm-pool claim interrupted by a killed engine", () => {
  const cwd = tempDir("tenantctl-pool-kill-");
  const backend = join(cwd, "backend");
  mkdirSync(backend);
  const env = e2eEnv(backend);
  // Processes of their own (not the CLI host): a claim names its process, and the next command must find it gone.
  const run = (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<Result> =>
    tenantctlProcess(cwd, { ...env, ...extra }, args);
  const ok = (r: Result): Result => {
    if (r.code !== 0) throw new Error(`exit ${String(r.code)}\n${r.stderr.slice(-3000)}`);
    return r;
  };
  let slot = "";

  beforeAll(async () => {
    await sharedUpDevWorld(cwd, env);
    slot =
      json<{ created: string[] }>(ok(await run(["pool", "fill", "--tier", "basic", "--size", "1", "--json"])))
        .created[0] ?? "";
  });

  it("stays claimed, unlisted and unclaimable until recovered, then is rolled forward to a complete tenant", async () => {
    const killed = await run(["provision", "tenant", "acme", "--tier", "basic", "--yes"], {
      PULUMI_STANDIN_DIE: "aws:lb/listenerRule:ListenerRule::*",
    });
    expect(killed.code).toBe(1);
    expect(killed.stderr).toMatch(
      /^error: the engine was killed by SIGKILL during the operation on dev-t[a-z2-7]{10}/m,
    );

    // Not half-assigned: no tenant acme anywhere, and the slot is held by the claim.
    expect(json<{ tenants: unknown[] }>(ok(await run(["list", "tenants", "--json"]))).tenants).toEqual([]);
    expect((await run(["status", "tenant", "acme"])).code).toBe(3);
    const stuck = json<StatusDoc>(ok(await run(["pool", "status", "--json"])));
    expect(stuck.slots).toEqual([
      expect.objectContaining({ tenantId: slot, state: "claiming", reason: "claimed for acme" }),
    ]);
    expect(stuck.stuckClaims).toEqual([
      expect.objectContaining({
        tenantId: slot,
        slug: "acme",
        error: expect.stringMatching(/lock is stale/) as unknown,
      }),
    ]);

    // Another customer never gets the claimed slot.
    const other = json<{ fromPool: boolean }>(
      ok(await run(["provision", "tenant", "globex", "--tier", "basic", "--yes", "--json"])),
    );
    expect(other.fromPool).toBe(false);

    // Follow the printed recovery step (release the dead engine's lock); the next status finishes the claim.
    const cancel = [...(stuck.stuckClaims[0]?.error ?? "").matchAll(/\(cd [^()]*? && pulumi cancel [^()]*?\)/g)].map(
      (m) => m[0],
    );
    expect(cancel).toHaveLength(1);
    const done = spawnSync("bash", ["-c", cancel[0] ?? "false"], { env: { ...env }, encoding: "utf8" });
    expect({ code: done.status, stderr: done.stderr }).toEqual({ code: 0, stderr: "" });
    const finished = json<StatusDoc>(ok(await run(["pool", "status", "--json"])));
    expect(finished).toMatchObject({ finishedClaims: ["acme"], stuckClaims: [], slots: [] });

    const status = json<{ stack: string; spec: { slug: string; tenantId: string } }>(
      ok(await run(["status", "tenant", "acme", "--json"])),
    );
    expect(status).toMatchObject({ stack: "dev-acme", spec: { slug: "acme", tenantId: slot } });
    const rule = accountResources(backend).find(
      (r) => r.type === "aws:lb/listenerRule:ListenerRule" && r.name === `${slot}-rule`,
    );
    expect(JSON.stringify(rule?.inputs["conditions"])).toContain("acme.dev.tenants.example.com");
    const list = json<{ tenants: { slug: string; status: string }[] }>(ok(await run(["list", "tenants", "--json"])));
    expect(list.tenants.map((t) => `${t.slug} ${t.status}`)).toEqual([
      "acme provision succeeded",
      "globex provision succeeded",
    ]);
  });
});
