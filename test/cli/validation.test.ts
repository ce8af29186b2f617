import { readdirSync } from "node:fs";
import { join } from "node:path";
import { BAD_INPUTS } from "./support/bad-inputs";
import { runInProcess, tempDir } from "./support/memory-io";
import { expectRefusedCleanly } from "./support/refused-cleanly";

function env(backendDir: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, PULUMI_BACKEND_URL: `file://${backendDir}`, PULUMI_CONFIG_PASSPHRASE: "test" };
}

describe("bad input exits 2 with one line and touches nothing", () => {
  it("has at least 50 cases", () => {
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(50);
  });

  it.each(BAD_INPUTS.map((b) => [b.argv.join(" ").slice(0, 80), b] as const))("%s", async (_name, bad) => {
    await expectRefusedCleanly(bad);
  });

  it("prints exactly one line for a single problem", async () => {
    const run = await runInProcess(["provision", "tenant", "acme", "--tier", "gold"], { env: env(tempDir()) });
    expect(run.errLines).toEqual([
      expect.stringContaining('tier: "gold" is not a tier (allowed: basic, standard, premium'),
    ]);
  });

  it("validates before looking for prerequisites (bad input wins over a missing passphrase)", async () => {
    const run = await runInProcess(["provision", "tenant", "acme", "--color", "red"], { env: { PATH: "" } });
    expect(run.code).toBe(2);
  });

  it("creates no default state folder on bad input", async () => {
    const cwd = tempDir();
    await runInProcess(["provision", "tenant", "BAD"], { cwd, env: { PATH: process.env.PATH } });
    expect(readdirSync(cwd)).toEqual([]);
    expect(() => readdirSync(join(cwd, ".tenantctl"))).toThrow();
  });
});
