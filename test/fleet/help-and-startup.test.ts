/**
 * The fleet commands' help (examples, exit codes, --json) and startup: their help, their bad input and a dry run
 * load no @pulumi module (the SDK is loaded lazily, by workers and engine sessions only).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runInProcess, tempDir } from "../cli/support/memory-io";

const ROOT = join(__dirname, "..", "..");
const PRELOAD = join(ROOT, "test", "cli", "fixtures", "report-modules.js");
const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/tenantctl-app:2.0.0";
const LEAVES = [["upgrade", "tenants"], ["drift", "tenants"], ["capacity"], ["restore", "tenant"]];

describe("fleet --help", () => {
  it.each(LEAVES.map((words) => [words.join(" "), words] as const))(
    "%s --help shows examples, exit codes and --json",
    async (_name, words) => {
      const run = await runInProcess([...words, "--help"]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`$ tenantctl ${words.join(" ")}`);
      expect(run.stdout).toContain("Exit codes:");
      expect(run.stdout).toContain("--json");
    },
  );

  it("lists the fleet verbs at the root", async () => {
    const run = await runInProcess(["--help"]);
    for (const verb of ["upgrade", "drift", "capacity", "restore"])
      expect(run.stdout).toMatch(new RegExp(`^  ${verb}\\b`, "m"));
  });
});

/** A backend holding one indexed tenant, enough for a dry run to plan. */
function backendWithOneTenant(): string {
  const cwd = tempDir("tenantctl-fleet-startup-");
  const index = join(cwd, "state", ".tenantctl", "index", "tenantctl-tenants");
  mkdirSync(index, { recursive: true });
  const spec = {
    slug: "acme",
    displayName: "acme",
    env: "dev",
    tier: "basic",
    skin: { primaryColor: "#1a73e8" },
    image: IMAGE,
    listenerPriority: 100,
    loadBalancer: "alb-0",
    generation: 1,
  };
  writeFileSync(
    join(index, "dev-acme.json"),
    JSON.stringify({
      slug: "acme",
      env: "dev",
      project: "tenantctl-tenants",
      stack: "dev-acme",
      tier: "basic",
      displayName: "acme",
      image: IMAGE,
      listenerPriority: 100,
      lastOperation: "provision",
      status: "succeeded",
      createdAt: "2026-11-01T00:00:00Z",
      updatedAt: "2026-11-01T00:00:00Z",
      spec,
    }),
  );
  return cwd;
}

const built = existsSync(join(ROOT, "dist", "cli", "main.js"));
if (!built) throw new Error("dist/ is missing: run `npm run build` before these tests (npm test does)");
describe("fleet startup stays free of the Pulumi SDK", () => {
  it.each([
    [["upgrade", "tenants", "--help"], 0],
    [["upgrade", "tenants", "--image", "nope"], 2],
    [["drift", "tenants", "--select", "x"], 2],
    [["upgrade", "tenants", "--image", IMAGE, "--dry-run", "--json"], 0],
  ])("%j loads no @pulumi module", (args, status) => {
    const cwd = backendWithOneTenant();
    const res = spawnSync(process.execPath, ["-r", PRELOAD, join(ROOT, "bin", "tenantctl.js"), ...args], {
      cwd,
      env: { PATH: process.env.PATH, PULUMI_BACKEND_URL: `file://${join(cwd, "state")}` },
      encoding: "utf8",
    });
    expect(res.status).toBe(status);
    expect(/LOADED_PULUMI_MODULES=(\d+)/.exec(res.stderr)?.[1]).toBe("0");
    if (args.includes("--dry-run"))
      expect(JSON.parse(res.stdout)).toMatchObject({
        dryRun: true,
        status: "planned",
        waves: [{ wave: 1, tenants: ["acme"] }],
      });
  });
});
