/**
 * `--env` and a tenant slug checked on their own, for the commands that take no full spec (list, status, teardown,
 * the fleet and preview commands). Kept apart from tenant-input.ts, which loads the spec schema (zod): `list tenants`
 * validates its --env without it.
 */
import { envProblem, slugProblem } from "../infra/naming";
import { UsageError } from "./errors";

export const DEFAULT_ENV = "dev";

export function envOrDefault(env: string | undefined, processEnv: NodeJS.ProcessEnv): string {
  return env ?? processEnv.TENANTCTL_ENV ?? DEFAULT_ENV;
}

export function checkEnv(env: string): void {
  const problem = envProblem(env);
  if (problem !== undefined) throw new UsageError(`--env: ${problem}`);
}

/** Validates a slug and env without a full spec (teardown, status). */
export function checkSlugAndEnv(slug: string, env: string): void {
  const slugIssue = slugProblem(slug);
  const envIssue = envProblem(env);
  const problems = [
    slugIssue === undefined ? undefined : `slug: ${slugIssue}`,
    envIssue === undefined ? undefined : `env: ${envIssue}`,
  ];
  const lines = problems.filter((p): p is string => p !== undefined);
  if (lines.length > 0) throw new UsageError(lines.join("\n"), { details: { problems: lines } });
}
