/**
 * The health check after each wave: GET every upgraded tenant's `/readyz` (its stack's `url` output; readiness, so a
 * tenant whose database is unreachable or whose migrations are not applied fails it), or the URL of `--health-url`, a
 * template with {slug}, {env} and {url} for fleets whose endpoints are reached differently (a VPN, an internal port).
 * A tenant is healthy on any 2xx within a few attempts; otherwise the last answer and the app's reason are reported.
 */
import { UsageError } from "../errors";
import { describeProbe, getReadiness, readinessUrl } from "../readiness";

export const HEALTH_ATTEMPTS = 3;
export const HEALTH_RETRY_MS = 2000;

export interface HealthTarget {
  readonly slug: string;
  readonly env: string;
  /** The tenant's base URL from its stack, when known. */
  readonly url: string | undefined;
}

export function checkHealthTemplate(template: string): string {
  if (!/^https?:\/\/\S+$/.test(template)) {
    throw new UsageError(
      `--health-url "${template}" is not an http(s) URL template (allowed: e.g. https://{slug}.internal.example.com/readyz; placeholders {slug}, {env}, {url})`,
    );
  }
  return template;
}

/** The URL to GET, or undefined when there is none (no template and no url output). */
export function healthUrl(target: HealthTarget, template: string | undefined): string | undefined {
  if (template === undefined) return target.url === undefined ? undefined : readinessUrl(target.url);
  return template
    .replace(/\{slug\}/g, target.slug)
    .replace(/\{env\}/g, target.env)
    .replace(/\{url\}/g, target.url ?? "");
}

async function getOnce(url: string): Promise<string | undefined> {
  const result = await getReadiness(url);
  return result.ok ? undefined : `GET ${url} → ${describeProbe(result)}`;
}

/** undefined when healthy, else the last failure (one line). */
export async function checkHealth(
  target: HealthTarget,
  template: string | undefined,
  retryMs = HEALTH_RETRY_MS,
): Promise<string | undefined> {
  const url = healthUrl(target, template);
  if (url === undefined) return `no URL to check (the stack has no url output; pass --health-url or --health none)`;
  let problem: string | undefined;
  for (let attempt = 1; attempt <= HEALTH_ATTEMPTS; attempt += 1) {
    problem = await getOnce(url);
    if (problem === undefined) return undefined;
    if (attempt < HEALTH_ATTEMPTS) await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
  return `unhealthy after ${HEALTH_ATTEMPTS} attempts: ${problem ?? "unknown"}`;
}
