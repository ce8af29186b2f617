/**
 * `preview` flags → validated values, before anything is touched: bad input is one line per problem and exit 2.
 * Also the clock the preview commands use, with its test hook TENANTCTL_NOW.
 */
import { UsageError } from "../errors";
import type { Io } from "../io";
import { envOrDefault } from "../env-input";
import { asUsageError } from "../tenant-input";
import { isoTimeProblem, imageProblem } from "../../infra/spec-rules";
import {
  gitBranchProblem,
  previewSlug,
  previewStackName,
  DEFAULT_TTL,
  parseTtl,
  parseKeepBranches,
} from "../../infra/preview-naming";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";

/** Env var that fakes "now" for the preview commands (expiry, age, gc). A test hook, documented as such. */
export const NOW_HOOK = "TENANTCTL_NOW";

export type OutputFormat = "text" | "markdown";
export const OUTPUT_FORMATS: readonly OutputFormat[] = ["text", "markdown"];

/** The system clock, or TENANTCTL_NOW when set (tests move the clock past an expiry with it). */
export async function previewNow(io: Io): Promise<Date> {
  const faked = io.env[NOW_HOOK];
  if (faked === undefined || faked === "") return io.now();
  const problem = isoTimeProblem(faked);
  if (problem !== undefined)
    throw new UsageError(`${NOW_HOOK}: ${problem} (a test hook; unset it to use the system clock)`);
  return new Date(faked);
}

/** Runs a pure infra check and turns its SpecValidationError into a usage error (exit 2). */
function checked<T>(check: () => T): T {
  try {
    return check();
  } catch (error: unknown) {
    throw asUsageError(error);
  }
}

export interface PreviewTarget {
  readonly branch: string;
  readonly env: string;
  readonly slug: string;
  readonly stack: string;
}

/** Branch and env → the preview's slug and stack; git's branch-name rules and the env rule of infra/preview-naming.ts. */
export function previewTarget(
  branch: string,
  envFlag: string | undefined,
  processEnv: NodeJS.ProcessEnv,
): PreviewTarget {
  const env = envOrDefault(envFlag, processEnv);
  const problem = gitBranchProblem(branch);
  if (problem !== undefined) throw new UsageError(`branch: ${problem}`);
  return checked(() => ({ branch, env, slug: previewSlug(branch), stack: previewStackName(env, branch) }));
}

export function checkedTtl(ttl: string | undefined): number {
  return checked(() => parseTtl(ttl ?? DEFAULT_TTL));
}

export function checkedImage(image: string | undefined): string | undefined {
  if (image === undefined) return undefined;
  const problem = imageProblem(image);
  if (problem !== undefined) throw new UsageError(`image: ${problem}`);
  return image;
}

/** `--json` and `--format markdown` both claim stdout: refuse the pair rather than guess. */
export function checkedFormat(format: OutputFormat | undefined, json: boolean): OutputFormat {
  const chosen = format ?? "text";
  if (json && chosen === "markdown") {
    throw new UsageError("--json and --format markdown both print the result on stdout (allowed: one of them)");
  }
  return chosen;
}

/** The branch list of `gc --keep-branches <file>`; an unreadable or empty file is a usage error. */
export async function keepBranchesFrom(file: string | undefined, cwd: string): Promise<string[] | undefined> {
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = await readFile(resolve(cwd, file), "utf8");
  } catch (error: unknown) {
    const code = (error as { code?: string }).code ?? (error instanceof Error ? error.message : String(error));
    throw new UsageError(
      `--keep-branches: cannot read ${JSON.stringify(file)} (${code}; allowed: a file with one branch name per line)`,
    );
  }
  return checked(() => parseKeepBranches(text));
}

/** Display names allow 100 UTF-16 units; cut by code point so a surrogate pair is never split. */
export function previewDisplayName(branch: string, max = 100): string {
  let name = "preview ";
  for (const char of branch) {
    if (name.length + char.length > max) break;
    name += char;
  }
  return name;
}
