/**
 * The bad-input suite against a real (stand-in) backend holding a shared stack and a tenant: each case exits with its
 * code (2, or 5 for an unusable backend URL), prints exactly one `error:` line naming what is wrong and what is allowed
 * (and under --json one error document), and leaves the whole directory — backend, work dirs, pulumi home —
 * byte-identical. Every case runs in-process (runCli, the binary's entry, with the world's env, whose PATH finds the
 * stand-in `pulumi`); the first case of each command and of each kind (exit code, own backend URL) also runs through
 * the built binary, so the process-level path (real exit code, stdout, stderr) stays covered for every command
 * (support/refusal-runs.ts).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { BAD_INPUTS } from "./support/bad-inputs";
import { MORE_BAD_INPUTS } from "./support/bad-inputs-more";
import { tempDir } from "./support/memory-io";
import { e2eEnv, tenantctl, treeHash, sharedUpDevWorld } from "./support/e2e";
import { binaryRefusalFailures, inProcessRefusalFailures, binarySample } from "./support/refusal-runs";

jest.setTimeout(10 * 60_000);

/** Binary cases run a few at a time (each is a short process refused before the engine). */
const LANES = 3;
const SAMPLE = binarySample(MORE_BAD_INPUTS);

describe("every command refuses bad input: its exit code, one line, byte-identical backend (stand-in)", () => {
  const cwd = tempDir("tenantctl-e2e-bad-all-");
  const backend = join(cwd, "backend");
  mkdirSync(backend);
  const env = e2eEnv(backend);

  beforeAll(async () => {
    await sharedUpDevWorld(cwd, env);
    expect((await tenantctl(cwd, env, ["provision", "tenant", "acme", "--yes"])).code).toBe(0);
  });

  it(`has at least 120 cases with the other suites (${MORE_BAD_INPUTS.length} here, ${BAD_INPUTS.length} in bad-inputs.ts)`, () => {
    expect(MORE_BAD_INPUTS.length + BAD_INPUTS.length).toBeGreaterThanOrEqual(120);
  });

  it(`refuses each of ${MORE_BAD_INPUTS.length} bad inputs cleanly (in-process)`, async () => {
    const before = treeHash(cwd);
    expect(await inProcessRefusalFailures(cwd, env, MORE_BAD_INPUTS)).toEqual([]);
    expect(treeHash(cwd)).toBe(before);
  });

  it(`refuses ${SAMPLE.length} of them, the first of each command and kind, cleanly through the binary`, async () => {
    const before = treeHash(cwd);
    expect(await binaryRefusalFailures(cwd, env, SAMPLE, LANES)).toEqual([]);
    expect(treeHash(cwd)).toBe(before);
  });
});
