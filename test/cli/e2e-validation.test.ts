/**
 * Bad input against a real (stand-in) backend holding a shared stack and a tenant: exit 2, one `error:` line, backend
 * byte-identical. Every case runs in-process (runCli, the binary's entry, with the world's env, whose PATH finds the
 * stand-in `pulumi`); the first case of each command also runs through the built binary (support/refusal-runs.ts).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { BAD_INPUTS } from "./support/bad-inputs";
import { tempDir } from "./support/memory-io";
import { e2eEnv, tenantctl, treeHash, sharedUpDevWorld } from "./support/e2e";
import { binaryRefusalFailures, inProcessRefusalFailures, binarySample } from "./support/refusal-runs";

const SAMPLE = binarySample(BAD_INPUTS);

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

  it(`leaves the backend byte-identical for each of ${BAD_INPUTS.length} bad inputs (in-process)`, async () => {
    const before = treeHash(cwd);
    expect(await inProcessRefusalFailures(cwd, env, BAD_INPUTS)).toEqual([]);
    expect(treeHash(cwd)).toBe(before);
  });

  it(`leaves the backend byte-identical for ${SAMPLE.length} of them, the first of each command, through the binary`, async () => {
    const before = treeHash(cwd);
    expect(await binaryRefusalFailures(cwd, env, SAMPLE)).toEqual([]);
    expect(treeHash(cwd)).toBe(before);
  });

  it("an update that would change nothing in the spec but names an unknown tenant exits 3", async () => {
    const r = await tenantctl(cwd, env, ["update", "tenant", "nobody", "--tier", "premium"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/tenant nobody does not exist in env dev/);
  });
});
