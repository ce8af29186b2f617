import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./support/memory-io";

const ROOT = join(__dirname, "..", "..");
const BIN = join(ROOT, "bin", "tenantctl.js");
const PRELOAD = join(__dirname, "fixtures", "report-modules.js");

function loadedPulumiModules(args: string[], env: NodeJS.ProcessEnv = {}): { count: number; status: number | null } {
  const cwd = tempDir();
  mkdirSync(join(cwd, "state"));
  const res = spawnSync(process.execPath, ["-r", PRELOAD, BIN, ...args], {
    cwd,
    env: { PATH: process.env.PATH, PULUMI_BACKEND_URL: `file://${cwd}/state`, ...env },
    encoding: "utf8",
  });
  const match = /LOADED_PULUMI_MODULES=(\d+)/.exec(res.stderr);
  if (match === null) throw new Error(`no module report; stderr: ${res.stderr}`);
  return { count: Number(match[1]), status: res.status };
}

const built = existsSync(join(ROOT, "dist", "cli", "main.js"));
if (!built) throw new Error("dist/ is missing: run `npm run build` before these tests (npm test does)");
describe("startup stays free of the Pulumi SDK", () => {
  it.each([
    [["--help"], 0],
    [["provision", "tenant", "--help"], 0],
    [["list", "tenants"], 0],
    [["list", "tenants", "--json"], 0],
    [["provision", "tenant", "Bad_Slug"], 2],
    [["provision", "tenant", "acme", "--tier", "gold"], 2],
    [["teardown", "tenant", "acme"], 2],
  ])("%j loads no @pulumi module", (args, status) => {
    const result = loadedPulumiModules(args);
    expect(result.status).toBe(status);
    expect(result.count).toBe(0);
  });

  it("the probe itself works: synth does load the SDK", () => {
    const result = loadedPulumiModules(["synth", "tenant", "acme", "--json"]);
    expect(result.status).toBe(0);
    expect(result.count).toBeGreaterThan(0);
  });
});

describe("a reader that stops early", () => {
  it("`tenantctl --help | head -1` exits 0 without an EPIPE trace", async () => {
    const child = spawn(process.execPath, [BIN, "--help"], { cwd: tempDir(), stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    // Close our end after the first chunk, as `head -1` does.
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    expect(stderr).not.toMatch(/EPIPE/);
    expect(code).toBe(0);
  });
});
