/**
 * The bad-input suite through the built binary against a real (stand-in) backend holding a shared stack and a tenant:
 * each case exits with its code (2, or 5 for an unusable backend URL), prints exactly one `error:` line naming what is
 * wrong and what is allowed (and under --json one error document), and leaves the whole directory — backend, work
 * dirs, pulumi home — byte-identical. Cases run a few at a time (each is a short process refused before the engine).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { BAD_INPUTS } from "./support/bad-inputs";
import { MORE_BAD_INPUTS, type MoreBadInput } from "./support/bad-inputs-more";
import { tempDir } from "./support/memory-io";
import { e2eEnv, tenantctl, treeHash, sharedUpDevWorld } from "./support/e2e";

jest.setTimeout(10 * 60_000);

const LANES = 3;

async function eachLimited<T>(items: readonly T[], lanes: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: lanes }, lane));
}

describe("every command refuses bad input: its exit code, one line, byte-identical backend (binary, stand-in)", () => {
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

  it(`refuses each of ${MORE_BAD_INPUTS.length} bad inputs cleanly`, async () => {
    const before = treeHash(cwd);
    const failures: string[] = [];
    await eachLimited(MORE_BAD_INPUTS, LANES, async (bad: MoreBadInput) => {
      const runEnv = bad.backendUrl === undefined ? env : { ...env, PULUMI_BACKEND_URL: bad.backendUrl };
      const r = await tenantctl(cwd, runEnv, bad.argv);
      const lines = r.stderr.split("\n").filter((l) => l.trim() !== "");
      let jsonOk = r.stdout === "";
      if (bad.argv.includes("--json")) {
        try {
          jsonOk = (JSON.parse(r.stdout) as { error: { exitCode: number } }).error.exitCode === (bad.code ?? 2);
        } catch {
          jsonOk = false;
        }
      }
      if (
        r.code !== (bad.code ?? 2) ||
        lines.length !== 1 ||
        !lines[0]?.startsWith("error: ") ||
        !bad.expect.test(r.stderr) ||
        !jsonOk
      ) {
        failures.push(
          `${JSON.stringify(bad.argv)}${bad.backendUrl === undefined ? "" : ` [${bad.backendUrl}]`} → exit ${r.code}, stderr ${JSON.stringify(r.stderr.slice(0, 300))}, stdout ${JSON.stringify(r.stdout.slice(0, 120))}`,
        );
      }
    });
    expect(failures).toEqual([]);
    expect(treeHash(cwd)).toBe(before);
  });
});
