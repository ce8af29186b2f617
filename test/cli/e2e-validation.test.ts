/**
 * Bad input against the built binary and a real (stand-in) backend: exit 2, one line, backend byte-identical.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { BAD_INPUTS } from "./support/bad-inputs";
import { tempDir } from "./support/memory-io";
import { e2eEnv, json, tenantctl, treeHash, sharedUpDevWorld } from "./support/e2e";

describe("bad input end to end", () => {
  const cwd = tempDir("tenantctl-e2e-bad-");
  const backend = join(cwd, "backend");
  mkdirSync(backend);
  const env = e2eEnv(backend);

  beforeAll(async () => {
    await sharedUpDevWorld(cwd, env);
    const acme = await tenantctl(cwd, env, ["provision", "tenant", "acme"]);
    expect(acme.code).toBe(0);
  });

  it(`leaves the backend byte-identical for each of ${BAD_INPUTS.length} bad inputs`, async () => {
    const before = treeHash(cwd);
    const failures: string[] = [];
    for (const bad of BAD_INPUTS) {
      const r = await tenantctl(cwd, env, bad.argv);
      const lines = r.stderr.split("\n").filter((l) => l.trim() !== "");
      const jsonOk = !bad.argv.includes("--json")
        ? r.stdout === ""
        : json<{ error: { exitCode: number } }>(r).error.exitCode === 2;
      if (r.code !== 2 || lines.length !== 1 || !bad.expect.test(r.stderr) || !jsonOk) {
        failures.push(
          `${bad.argv.join(" ")} → exit ${r.code}, stderr ${JSON.stringify(r.stderr)}, stdout ${JSON.stringify(r.stdout.slice(0, 200))}`,
        );
      }
    }
    expect(failures).toEqual([]);
    expect(treeHash(cwd)).toBe(before);
  });

  it("an update that would change nothing in the spec but names an unknown tenant exits 3", async () => {
    const r = await tenantctl(cwd, env, ["update", "tenant", "nobody", "--tier", "premium"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/tenant nobody does not exist in env dev/);
  });
});
