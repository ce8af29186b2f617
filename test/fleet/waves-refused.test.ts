/**
 * Issue 12, item 10: waves whose cumulative targets go back (`10,5`, `50%,20%`, or mixed forms that do so once
 * resolved against the fleet) are refused with exit 2 and one line before anything runs, and the backend stays
 * byte-identical. The fleet-dependent case runs the built binary (npm run build first) against a backend whose tenant
 * index lists four tenants, with the stand-in `pulumi` on PATH, so a rollout would really start if it were not refused.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { FileRecordStore } from "../../cli/store/records";
import { writeIndexEntry } from "../../cli/store/tenant-index";
import type { TenantSpec } from "../../infra/spec";
import { expectRefusedCleanly } from "../cli/support/refused-cleanly";
import { fleetEnv, IMAGE_V1, IMAGE_V2 } from "./support/fleet-env";

jest.setTimeout(60_000);

describe.each([
  ["counts that decrease", "10,5", /--waves "10,5": step 5 after 10 does not grow the target/],
  ["percentages that decrease", "50%,20%", /--waves "50%,20%": step 20% after 50% does not grow the target/],
  ["a repeated percentage", "1,10%,10%,100%", /step 10% after 10% does not grow the target/],
  [
    "mixed forms whose counts decrease",
    "1,10%,5,2,100%",
    /step 2 after 5 does not grow the target \(allowed: cumulative targets that only grow/,
  ],
])("upgrade tenants --waves with %s", (_name, waves, message) => {
  it("exits 2 with one line, nothing created", async () => {
    await expectRefusedCleanly({
      argv: ["upgrade", "tenants", "--image", IMAGE_V2, "--waves", waves],
      expect: message,
    });
  });
  it("exits 2 under --dry-run and --json too", async () => {
    await expectRefusedCleanly({
      argv: ["upgrade", "tenants", "--image", IMAGE_V2, "--waves", waves, "--dry-run", "--json"],
      expect: message,
    });
  });
});

/** Every file under `dir` with its SHA-256, so "byte-identical" compares contents, not just names. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string): void => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path, `${prefix}${name}/`);
      else out[`${prefix}${name}`] = createHash("sha256").update(readFileSync(path)).digest("hex");
    }
  };
  walk(dir, "");
  return out;
}

function spec(slug: string, priority: number): TenantSpec {
  return {
    slug,
    env: "dev",
    tier: "basic",
    displayName: slug,
    image: IMAGE_V1,
    listenerPriority: priority,
  } as unknown as TenantSpec;
}

describe("upgrade tenants --waves that go back once resolved against the fleet", () => {
  it("is refused (exit 2, one line) for 4 tenants, where 3,50%,100% means 3 then 2; the backend is byte-identical", async () => {
    const fleet = fleetEnv("tenantctl-waves-");
    const store = new FileRecordStore(join(fleet.backendRoot, ".tenantctl"));
    for (const [i, slug] of ["acme", "globex", "hooli", "initech"].entries()) {
      await writeIndexEntry(store, {
        spec: spec(slug, 100 + i),
        project: "tenantctl-tenants",
        stack: `dev-${slug}`,
        operation: "provision",
        status: "succeeded",
        now: new Date("2026-01-01T00:00:00Z"),
      });
    }
    const before = tree(fleet.backendRoot);
    expect(Object.keys(before)).toHaveLength(4);

    const run = await fleet.run(["upgrade", "tenants", "--image", IMAGE_V2, "--waves", "3,50%,100%"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    const lines = run.stderr.split("\n").filter((l) => l.trim() !== "");
    expect(lines).toEqual([
      expect.stringMatching(
        /^error: --waves 3,50%,100%: step 2 \(50%\) goes back from 3 to 2 of 4 tenants \(allowed: cumulative targets that only grow/,
      ),
    ]);
    expect(tree(fleet.backendRoot)).toEqual(before);
    expect(readdirSync(fleet.dir).sort()).toEqual(["state"]);

    // The same list grows over 4 tenants once the count fits under the percentage: planned, not refused.
    const dry = await fleet.run([
      "upgrade",
      "tenants",
      "--image",
      IMAGE_V2,
      "--waves",
      "1,50%,100%",
      "--dry-run",
      "--json",
    ]);
    expect(dry.stderr).toBe("");
    expect(dry.code).toBe(0);
    expect(tree(fleet.backendRoot)).toEqual(before);
  });
});
