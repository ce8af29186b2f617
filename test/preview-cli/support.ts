/**
 * Helpers of the preview end-to-end tests: the built `tenantctl` as a child process against the stand-in `pulumi`,
 * with the clock set through the documented test hook TENANTCTL_NOW.
 */
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { built, e2eEnv, tenantctl, type Result } from "../cli/support/e2e";
import { tempDir } from "../cli/support/memory-io";

export { IMAGE, json } from "../cli/support/e2e";
export type { Result };

/** 06:00, not midnight: the resources' `expires-at` tag is the expiry rounded up to a whole day (expiryTagValue). */
export const T0 = "2030-01-01T06:00:00.000Z";

/** T0 plus some hours, as the ISO string TENANTCTL_NOW takes. */
export function at(hours: number): string {
  return new Date(Date.parse(T0) + hours * 3_600_000).toISOString();
}

export interface PreviewSandbox {
  readonly cwd: string;
  readonly backend: string;
  /** Runs tenantctl with the clock at `now` (TENANTCTL_NOW). */
  run(now: string, ...args: string[]): Promise<Result>;
  /** Stacks of the previews project in the backend (stand-in file layout). */
  previewStacks(): string[];
}

export function previewSandbox(): PreviewSandbox {
  if (!built) throw new Error("the CLI and the stand-in are not built: run `npm run build` first");
  const cwd = tempDir("tenantctl-preview-e2e-");
  const backend = join(cwd, "backend");
  mkdirSync(backend);
  return {
    cwd,
    backend,
    run: (now, ...args) => tenantctl(cwd, e2eEnv(backend, { TENANTCTL_NOW: now }), args),
    previewStacks: () => {
      const dir = join(backend, ".pulumi", "stacks", "tenantctl-previews");
      if (!existsSync(dir)) return [];
      return readdirSync(dir)
        .filter((name) => name.endsWith(".json") && !name.endsWith(".tags.json"))
        .map((name) => name.slice(0, -".json".length))
        .sort();
    },
  };
}

export interface UpDoc {
  branch: string;
  env: string;
  stack: string;
  slug: string;
  url: string;
  image: string;
  created: boolean;
  createdAt: string;
  lastDeployedAt: string;
  expiresAt: string;
  resourceChanges: Record<string, number>;
  resources: { op: string; type: string; name: string; properties: string[] }[];
  monthlyCostUsd: number;
}

export interface ListDoc {
  previews: {
    branch: string;
    stack: string;
    url: string | null;
    image: string;
    createdAt: string;
    expiresAt: string;
    expired: boolean;
    ageHours: number;
  }[];
}

export interface GcDoc {
  dryRun: boolean;
  previews: number;
  removals: { branch: string; stack: string; reason: string; outcome: string }[];
}
