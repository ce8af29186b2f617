/**
 * Capacity under races, end to end: two `tenantctl provision` processes started at the same moment with one slot left
 * (on the ALB, then in the account's RDS quota). Exactly one provisions; the other exits 5 with one error line naming
 * the limit and the fix and leaves no stack, no index entry and no claim. The stand-in enforces the same limits, so a
 * racer that slipped past the check would fail in its `up` with exit 1 instead. Teardown gives the seats back.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { runInProcess } from "../cli/support/memory-io";
import { expectOk, fleetEnv, IMAGE_V1, readAccount, sharedUp, type CliRun, type FleetEnv } from "./support/fleet-env";

jest.setTimeout(15 * 60_000);

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

function recordsOf(f: FleetEnv, stack: string): string[] {
  const root = join(f.backendRoot, ".tenantctl");
  return [...files(join(root, "capacity")), ...files(join(root, "priorities")), ...files(join(root, "index"))].filter(
    (p) => p.includes(stack),
  );
}

function expectLeftNothing(f: FleetEnv, slug: string): void {
  const stack = `dev-${slug}`;
  expect(recordsOf(f, stack)).toEqual([]);
  expect(existsSync(join(f.backendRoot, ".pulumi", "stacks", "tenantctl-tenants", `${stack}.json`))).toBe(false);
  expect(readAccount(f).resources.filter((r) => r.stack === `tenantctl-tenants/${stack}`)).toEqual([]);
}

async function race(
  f: FleetEnv,
  slugs: readonly [string, string],
  env: NodeJS.ProcessEnv,
): Promise<{ winner: string; loser: string; lost: CliRun }> {
  const runs = await Promise.all(
    slugs.map((slug) => f.run(["provision", "tenant", slug, "--image", IMAGE_V1, "--yes"], env)),
  );
  const codes = runs.map((r) => r.code).sort();
  if (codes[0] !== 0 || codes[1] !== 5)
    throw new Error(
      `expected exits 0 and 5, got ${runs.map((r, i) => `${slugs[i]}: ${r.code}\n${r.stderr}`).join("\n")}`,
    );
  const lostAt = runs[0]?.code === 5 ? 0 : 1;
  return { winner: slugs[1 - lostAt] ?? "", loser: slugs[lostAt] ?? "", lost: runs[lostAt] as CliRun };
}

const errorLines = (run: CliRun): string[] => run.stderr.split("\n").filter((l) => l.startsWith("error:"));

describe("capacity races (stand-in)", () => {
  let f: FleetEnv;

  beforeAll(async () => {
    f = fleetEnv("tenantctl-race-");
    await sharedUp(f, 1);
  });

  it("lets exactly one of two racing provisions take the last target group slot of the ALB", async () => {
    // The stand-in's account holds the same limit: a second tenant slipping through would fail in AWS (exit 1).
    const env = {
      TENANTCTL_QUOTA_TARGET_GROUPS_PER_ALB: "2",
      PULUMI_STANDIN_QUOTA_TARGET_GROUPS_PER_ALB: "2",
      PULUMI_STANDIN_DELAY_MS: "50",
    };
    await expectOk(f.run(["provision", "tenant", "race-a", "--image", IMAGE_V1, "--yes"], env), "provision race-a");
    const { winner, loser, lost } = await race(f, ["race-b", "race-c"], env);
    expect(errorLines(lost)).toHaveLength(1);
    expect(errorLines(lost)[0]).toMatch(/target-groups-per-alb: every ALB is full \(alb-0 2\/2\)/);
    expect(lost.stderr).toMatch(/add an ALB shard: tenantctl shared up --env dev --config albCount=2/);
    expectLeftNothing(f, loser);
    expect(recordsOf(f, `dev-${winner}`).length).toBeGreaterThan(0);
  });

  it("lets exactly one of two racing provisions take the account's last RDS instance", async () => {
    // Two tenants exist (race-a and the first race's winner): one RDS instance is left.
    const env = {
      TENANTCTL_QUOTA_RDS_INSTANCES: "3",
      PULUMI_STANDIN_QUOTA_RDS_INSTANCES: "3",
      PULUMI_STANDIN_DELAY_MS: "50",
    };
    const { loser, lost } = await race(f, ["race-d", "race-e"], env);
    expect(errorLines(lost)).toHaveLength(1);
    expect(errorLines(lost)[0]).toMatch(/rds-instances: 3 of 3 in use in the account/);
    expect(lost.stderr).toMatch(/raise the RDS "DB instances" quota \(rds L-7B6409FD\)/);
    expectLeftNothing(f, loser);
  });

  it("gives the seats and the priority back when a provision is declined at the prompt", async () => {
    // In-process, for a prompt; the SDK finds `pulumi` (the stand-in) through this process's PATH.
    const path = process.env.PATH;
    process.env.PATH = f.env.PATH;
    const run = await runInProcess(["provision", "tenant", "race-no", "--image", IMAGE_V1], {
      env: f.env,
      cwd: f.dir,
      interactive: true,
      stdin: "n\n",
    }).finally(() => {
      process.env.PATH = path;
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/declined at the prompt; nothing was changed/);
    expectLeftNothing(f, "race-no");
  });

  it("gives the seats back on teardown, so the freed slot can be taken", async () => {
    const env = { TENANTCTL_QUOTA_RDS_INSTANCES: "3" };
    await expectOk(f.run(["teardown", "tenant", "race-a", "--yes"], env), "teardown race-a");
    expect(recordsOf(f, "dev-race-a")).toEqual([]);
    await expectOk(f.run(["provision", "tenant", "race-f", "--image", IMAGE_V1, "--yes"], env), "provision race-f");
  });
});
