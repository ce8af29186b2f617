/**
 * End-to-end fixture for the fleet tests: a private backend and TENANTCTL_HOME, the stand-in `pulumi` first on PATH,
 * and the built `tenantctl` run as a child process (npm run build first). Helpers create the shared stack and
 * tenants, and read the stand-in's simulated AWS account (test/support/standin-account.ts changes it).
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { cliHost, runOnCliHost } from "../../support/hosts/client";
import type { CloudResource } from "../../support/standin/aws/account-store";
import { accountResources } from "../../support/standin-account";
import { standinSpeedEnv } from "../../support/standin-harness";
import { prepareWorld, prepareWorldSteps, type WorldSource, type WorldStep } from "../../support/world-cache";

/** A Route 53 zone for the shared stack, so its certificate is validated and the HTTPS listener created. */
const ZONE_ID = "Z0123456789ABCDEFGHIJ";

export const REPO = join(__dirname, "..", "..", "..");
export const IMAGE_V1 = "123456789012.dkr.ecr.us-east-1.amazonaws.com/tenantctl-app:1.0.0";
export const IMAGE_V2 = "123456789012.dkr.ecr.us-east-1.amazonaws.com/tenantctl-app:2.0.0";
export const PINNED = "123456789012.dkr.ecr.us-east-1.amazonaws.com/tenantctl-app:0.9.0";

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface FleetEnv {
  readonly dir: string;
  readonly backendRoot: string;
  readonly env: NodeJS.ProcessEnv;
  run(args: readonly string[], extraEnv?: NodeJS.ProcessEnv): Promise<CliRun>;
}

export function fleetEnv(prefix = "tenantctl-fleet-"): FleetEnv {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const backendRoot = join(dir, "state");
  // pulumi (and tenantctl) refuse a file backend whose folder does not exist.
  mkdirSync(backendRoot);
  const env: NodeJS.ProcessEnv = {
    PATH: `${join(REPO, "test", "support", "bin")}${delimiter}${process.env.PATH ?? ""}`,
    HOME: dir,
    PULUMI_BACKEND_URL: `file://${backendRoot}`,
    PULUMI_CONFIG_PASSPHRASE: "fleet-test-passphrase",
    TENANTCTL_HOME: join(dir, "home"),
    CI: "1",
    ...standinSpeedEnv(dir),
  };
  const run = (args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliRun> => {
    const host = cliHost();
    if (host !== undefined)
      return runOnCliHost(host, dir, { ...env, ...extraEnv }, args).then((r) => ({ ...r, code: r.code ?? 1 }));
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [join(REPO, "bin", "tenantctl.js"), ...args],
        { cwd: dir, env: { ...env, ...extraEnv }, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
          resolve({ code, stdout, stderr });
        },
      );
    });
  };
  return { dir, backendRoot, env, run };
}

/** The single JSON document of a --json run, with the run's stderr in the message when it does not parse. */
export function json<T = Record<string, unknown>>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(
      `stdout is not one JSON document (exit ${run.code}):\n${run.stdout}\n--- stderr ---\n${run.stderr}`,
    );
  }
}

export async function expectOk(run: Promise<CliRun>, what: string): Promise<CliRun> {
  const result = await run;
  if (result.code !== 0) throw new Error(`${what} exited ${result.code}:\n${result.stderr}`);
  return result;
}

export function sharedUpArgs(albCount = 1): string[] {
  return [
    "shared",
    "up",
    "--env",
    "dev",
    "--config-file",
    join(REPO, "Pulumi.dev.yaml"),
    "--config",
    `imageUri=${IMAGE_V1}`,
    "--config",
    `hostedZoneId=${ZONE_ID}`,
    "--config",
    `albCount=${albCount}`,
  ];
}

/**
 * Set-up: the shared stack of env dev, copied from this jest run's world cache when an earlier file made the same world
 * (test/support/world-cache.ts), else made by the real `tenantctl shared up`.
 */
export async function sharedUp(f: FleetEnv, albCount = 1): Promise<WorldSource> {
  const argv = sharedUpArgs(albCount);
  return prepareWorld({ root: f.dir, argv, env: f.env, inputs: [join(REPO, "Pulumi.dev.yaml")] }, async () => {
    await expectOk(f.run(argv), "shared up");
  });
}

/** The slugs of a fleet world of n tenants: t01, t02, … (every fleet world is a prefix of the same sequence). */
export function fleetSlugs(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `t${String(i + 1).padStart(2, "0")}`);
}

/** The set-up commands of a fleet world: the shared stack of env dev, then n tenants provisioned at IMAGE_V1 in turn. */
export function fleetWorldSteps(n: number): WorldStep[] {
  return [
    { argv: sharedUpArgs(), inputs: [join(REPO, "Pulumi.dev.yaml")] },
    ...fleetSlugs(n).map((slug) => ({ argv: ["provision", "tenant", slug, "--yes", "--image", IMAGE_V1] })),
  ];
}

/**
 * Set-up: the shared stack and tenants t01..tNN at IMAGE_V1 (fleetSlugs(n)), copied from this jest run's world cache
 * (test/support/world-cache.ts): the fleet files share one sequence of worlds, so a run provisions each tenant once
 * (a file that needs 6 tenants copies the world of 5 another file made and provisions the sixth). A test whose subject
 * is provisioning runs `provision tenant` itself.
 */
export async function fleetWorld(f: FleetEnv, n: number): Promise<WorldSource> {
  return prepareWorldSteps({ root: f.dir, env: f.env, steps: fleetWorldSteps(n) }, async (step) => {
    await expectOk(f.run(step.argv), step.argv.slice(0, 3).join(" "));
  });
}

export interface IndexEntry {
  readonly slug: string;
  readonly image: string;
  readonly status: string;
  readonly spec: {
    readonly image: string;
    readonly pinnedImage?: string;
    readonly tier: string;
    readonly loadBalancer: string;
    readonly displayName: string;
    readonly skin: { primaryColor: string };
  };
}

export function indexEntry(f: FleetEnv, slug: string): IndexEntry {
  return JSON.parse(
    readFileSync(join(f.backendRoot, ".tenantctl", "index", "tenantctl-tenants", `dev-${slug}.json`), "utf8"),
  ) as IndexEntry;
}

/** The simulated AWS account's resources (the stand-in's helper, under its account lock). */
export function readAccount(f: FleetEnv): { resources: CloudResource[] } {
  return { resources: accountResources(f.backendRoot) };
}
