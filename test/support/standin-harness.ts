import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { PulumiCommand, PulumiFn, Stack } from "@pulumi/pulumi/automation";

/** `test/support`: the root to pass as `PulumiCommand.get({ root })`, which runs `<root>/bin/pulumi`. */
export const STANDIN_ROOT = __dirname;
/** Put this first on PATH to make `pulumi` the stand-in for a child process (e.g. the real `tenantctl` binary). */
export const STANDIN_BIN = path.join(__dirname, "bin");
/**
 * Test-only speed knobs for the stand-in (docs/standin.md): a cache of the passphrase keys it derives, under `tmpDir`
 * (the test's own temporary folder), instead of ~0.25 CPU-seconds of PBKDF2 in every command that opens secrets; and
 * the jest run's stand-in host, when one runs (test/support/hosts), which answers the quick commands without a node
 * start.
 */
export function standinSpeedEnv(tmpDir: string): Record<string, string> {
  const env: Record<string, string> = { PULUMI_STANDIN_KDF_CACHE_DIR: path.join(tmpDir, "standin-kdf-cache") };
  const { PULUMI_STANDIN_HOST: host, PULUMI_STANDIN_HOST_CLIENT: client } = process.env;
  if (host !== undefined && client !== undefined)
    Object.assign(env, { PULUMI_STANDIN_HOST: host, PULUMI_STANDIN_HOST_CLIENT: client });
  return env;
}

export interface StandinWorld {
  /** The file backend's root: `.pulumi/` (stacks, history, locks) and `.pulumi-standin/` (the simulated account). */
  backendDir: string;
  /** A stable work directory for LocalWorkspace (`workDir`), one per project in real use. */
  workDir: string;
  /** Environment for the workspace (`envVars`) or a child process: backend URL, passphrase, isolated PULUMI_HOME. */
  env: Record<string, string>;
  /** PATH with the stand-in first, for child processes. */
  path: string;
  pulumiCommand(): Promise<PulumiCommand>;
  /** createOrSelectStack for an inline program, with one work directory per project under the world. */
  stack(projectName: string, stackName: string, program: PulumiFn): Promise<Stack>;
  cleanup(): void;
}

/**
 * A fresh backend + simulated AWS account for one test. The stand-in must be built (`npm run build`, which `npm test`
 * does before jest).
 */
export function createStandinWorld(opts: { passphrase?: string; tmpRoot?: string } = {}): StandinWorld {
  const base = fs.mkdtempSync(path.join(opts.tmpRoot ?? os.tmpdir(), "standin-"));
  const backendDir = path.join(base, "backend");
  const workDir = path.join(base, "work");
  fs.mkdirSync(backendDir);
  fs.mkdirSync(workDir);
  const env: Record<string, string> = {
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: opts.passphrase ?? "standin-test-passphrase",
    PULUMI_HOME: path.join(base, "pulumi-home"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    ...standinSpeedEnv(base),
  };
  const pulumiCommand = async (): Promise<PulumiCommand> => {
    const { PulumiCommand } = await import("@pulumi/pulumi/automation");
    return PulumiCommand.get({ root: STANDIN_ROOT });
  };
  return {
    backendDir,
    workDir,
    env,
    path: `${STANDIN_BIN}${path.delimiter}${process.env.PATH ?? ""}`,
    pulumiCommand,
    stack: async (projectName, stackName, program) => {
      const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
      const projectDir = path.join(workDir, projectName);
      fs.mkdirSync(projectDir, { recursive: true });
      return LocalWorkspace.createOrSelectStack(
        { projectName, stackName, program },
        { workDir: projectDir, envVars: env, pulumiCommand: await pulumiCommand() },
      );
    },
    cleanup: () => fs.rmSync(base, { recursive: true, force: true }),
  };
}
