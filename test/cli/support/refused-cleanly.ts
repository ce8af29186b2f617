/**
 * The contract for bad input, shared by every command's validation suite: exit 2, exactly one `error:` line on
 * stderr matching the expected problem, nothing created in the work or backend directory, and stdout either empty
 * or (with --json) one error document carrying exit code 2.
 */
import { readdirSync } from "node:fs";
import { runInProcess, tempDir } from "./memory-io";

export interface BadInvocation {
  readonly argv: readonly string[];
  readonly expect: RegExp;
  readonly env?: NodeJS.ProcessEnv;
}

export async function expectRefusedCleanly(bad: BadInvocation): Promise<void> {
  const cwd = tempDir();
  const backend = tempDir("tenantctl-backend-");
  const env = {
    PATH: process.env.PATH,
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: "test",
    ...bad.env,
  };
  const run = await runInProcess(bad.argv, { cwd, env });
  expect(run.code).toBe(2);
  expect(run.errLines).toHaveLength(1);
  expect(run.errLines[0]).toMatch(/^error: /);
  expect(run.stderr).toMatch(bad.expect);
  expect(readdirSync(cwd)).toEqual([]);
  expect(readdirSync(backend)).toEqual([]);
  if (bad.argv.includes("--json")) {
    expect((JSON.parse(run.stdout) as { error: { exitCode: number } }).error.exitCode).toBe(2);
  } else {
    expect(run.stdout).toBe("");
  }
}
