/**
 * Bad input to the fleet commands: exit 2, one clear line naming the value, nothing touched (no backend folder is
 * created, no pulumi CLI is needed — PATH is empty here). Runs the CLI in-process.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { runInProcess, tempDir } from "../cli/support/memory-io";

const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/tenantctl-app:2.0.0";

const cases: [string, string[], RegExp][] = [
  ["upgrade without --image", ["upgrade", "tenants"], /--image is required/],
  [
    "upgrade with a bad image",
    ["upgrade", "tenants", "--image", "not an image"],
    /--image: .* is not a container image/,
  ],
  [
    "upgrade with an untagged image",
    ["upgrade", "tenants", "--image", "registry.example.com/app"],
    /neither a tag nor a digest/,
  ],
  [
    "upgrade with bad waves",
    ["upgrade", "tenants", "--image", IMAGE, "--waves", "1,0%,100%"],
    /--waves .* "0%" is not a wave step/,
  ],
  ["upgrade with empty waves", ["upgrade", "tenants", "--image", IMAGE, "--waves", ""], /--waves "" has an empty step/],
  [
    "upgrade with a bad failure limit",
    ["upgrade", "tenants", "--image", IMAGE, "--max-failures", "many"],
    /--max-failures "many"/,
  ],
  ["upgrade with 150%", ["upgrade", "tenants", "--image", IMAGE, "--max-failures", "150%"], /--max-failures "150%"/],
  ["upgrade with concurrency 0", ["upgrade", "tenants", "--image", IMAGE, "--concurrency", "0"], /--concurrency "0"/],
  [
    "upgrade with concurrency 1000",
    ["upgrade", "tenants", "--image", IMAGE, "--concurrency", "1000"],
    /allowed: 1-100/,
  ],
  [
    "upgrade with a unitless stagger",
    ["upgrade", "tenants", "--image", IMAGE, "--stagger", "500"],
    /--stagger "500" is not a spacing/,
  ],
  [
    "upgrade with a stagger over a minute",
    ["upgrade", "tenants", "--image", IMAGE, "--stagger", "61s"],
    /allowed: 0, or 1ms-60s/,
  ],
  ["drift with a bad stagger", ["drift", "tenants", "--stagger", "soon"], /--stagger "soon"/],
  [
    "upgrade with a unitless timeout",
    ["upgrade", "tenants", "--image", IMAGE, "--timeout", "30"],
    /--timeout "30" is not a time limit/,
  ],
  ["upgrade with a zero timeout", ["upgrade", "tenants", "--image", IMAGE, "--timeout", "0s"], /allowed: 1s-24h/],
  ["drift with a timeout over a day", ["drift", "tenants", "--timeout", "25h"], /--timeout "25h"/],
  [
    "upgrade with a bad selector",
    ["upgrade", "tenants", "--image", IMAGE, "--select", "colour=red"],
    /--select "colour=red"/,
  ],
  ["upgrade with a bad health mode", ["upgrade", "tenants", "--image", IMAGE, "--health", "ping"], /--health "ping"/],
  [
    "upgrade with a bad health URL",
    ["upgrade", "tenants", "--image", IMAGE, "--health-url", "ftp://x/{slug}"],
    /--health-url "ftp:/,
  ],
  [
    "upgrade with a bad env",
    ["upgrade", "tenants", "--image", IMAGE, "--env", "Prod!"],
    /--env: "Prod!" is not an environment name/,
  ],
  [
    "resume with plan flags",
    ["upgrade", "tenants", "--resume", "--waves", "100%"],
    /--resume continues the recorded plan; --waves/,
  ],
  ["resume with a bad id", ["upgrade", "tenants", "--resume", "yesterday"], /--resume "yesterday" is not a rollout id/],
  [
    "upgrade with a bad secrets provider",
    ["upgrade", "tenants", "--image", IMAGE, "--secrets-provider", "vault://x"],
    /--secrets-provider "vault:\/\/x"/,
  ],
  ["drift with concurrency -1", ["drift", "tenants", "--concurrency", "-1"], /error: /],
  ["drift with a bad selector", ["drift", "tenants", "--select", "tier"], /--select "tier"/],
  ["drift with a bad env", ["drift", "tenants", "--env", "x"], /--env: "x"/],
  ["capacity with a bad RDS quota", ["capacity", "--rds-quota", "lots"], /--rds-quota "lots"/],
  ["capacity with a bad IAM quota", ["capacity", "--iam-role-quota", "-5"], /error: /],
  ["capacity with an extra argument", ["capacity", "now"], /too many arguments|unknown command|excess/i],
  ["restore with a bad slug", ["restore", "tenant", "Bad_Slug"], /slug: /],
  [
    "restore with a bad snapshot",
    ["restore", "tenant", "acme", "--snapshot", "1-snap--x"],
    /--snapshot: .* is not an RDS snapshot identifier/,
  ],
  ["restore without a slug", ["restore", "tenant"], /missing required argument/],
];

describe("fleet commands refuse bad input with exit 2 and touch nothing", () => {
  it.each(cases)("%s", async (_name, argv, message) => {
    const cwd = tempDir("tenantctl-fleet-bad-");
    const run = await runInProcess(argv, {
      cwd,
      env: { PATH: "", PULUMI_BACKEND_URL: `file://${join(cwd, "state")}`, PULUMI_CONFIG_PASSPHRASE: "x" },
    });
    expect(run.code).toBe(2);
    expect(run.errLines).toHaveLength(1);
    expect(run.errLines[0]).toMatch(/^error: /);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe("");
    expect(existsSync(join(cwd, "state"))).toBe(false);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("prints a JSON error document under --json", async () => {
    const run = await runInProcess(["upgrade", "tenants", "--waves", "0", "--image", IMAGE, "--json"], {
      cwd: tempDir("tenantctl-fleet-bad-"),
    });
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { exitCode: 2, kind: "UsageError" } });
  });
});
