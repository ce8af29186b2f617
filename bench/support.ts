/**
 * What the end-to-end benches (fleet.ts, fleet-runners.ts, pool.ts) share: where the repository is, the environment a
 * bench's `tenantctl` runs with (the stand-in `pulumi` first on PATH, a private file backend and TENANTCTL_HOME under
 * the bench's folder) and the `shared up` that starts each of them. Each bench compiles it next to itself (rootDir
 * bench/), so `__dirname/../..` is the repository from dist/bench-<name>/ as from bench/.
 */
import { delimiter, join } from "node:path";

export const REPO = join(__dirname, "..", "..");
/** A Route 53 zone for the shared stack, so its certificate is validated and the HTTPS listener created. */
export const ZONE_ID = "Z0123456789ABCDEFGHIJ";

export const benchImage = (v: number): string => `123456789012.dkr.ecr.us-east-1.amazonaws.com/tenantctl-app:${v}.0.0`;

export function benchEnvironment(dir: string): NodeJS.ProcessEnv {
  return {
    PATH: `${join(REPO, "test", "support", "bin")}${delimiter}${process.env.PATH ?? ""}`,
    HOME: dir,
    PULUMI_BACKEND_URL: `file://${join(dir, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: "bench",
    TENANTCTL_HOME: join(dir, "home"),
    CI: "1",
  };
}

/** `shared up` of env dev with the repository's Pulumi.dev.yaml, the given image and the test zone. */
export function sharedUpDevArgs(image: string): string[] {
  return [
    "shared",
    "up",
    "--env",
    "dev",
    "--config-file",
    join(REPO, "Pulumi.dev.yaml"),
    "--config",
    `imageUri=${image}`,
    "--config",
    `hostedZoneId=${ZONE_ID}`,
  ];
}
