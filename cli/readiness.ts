/**
 * One GET of a tenant's readiness endpoint, for `status tenant --probe` and the rollout's health check after each wave.
 * `/readyz`, the path the load balancer's target group checks, not `/healthz`: /healthz answers from the process
 * alone, so a task whose database is unreachable or whose migrations are not applied is live but serves nothing.
 * When not ready the app answers 503 `{"status":"not_ready","reason":"..."}`; the reason is carried into the report.
 */

/** Kept equal to the target group's health check path (infra/tenant/routing.ts; a test compares the two). */
export const READINESS_PATH = "/readyz";
export const PROBE_TIMEOUT_MS = 5000;
/** Enough of a body that is not the app's JSON (a proxy's HTML error page) to recognise it, on one line. */
const REASON_MAX_CHARS = 200;

export interface ReadinessResult {
  readonly url: string;
  readonly ok: boolean;
  /** HTTP status, or null when no response arrived. */
  readonly status: number | null;
  /** Why it is not ready: the app's `reason` (or `status`), else the start of the body; null when ready or unknown. */
  readonly reason: string | null;
  /** Why no response arrived (ECONNREFUSED, a timeout); null when one did. */
  readonly error: string | null;
}

export function readinessUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, "")}${READINESS_PATH}`;
}

/** The reason a not-ready answer gives, from the app's JSON or else the body's first line-folded characters. */
export function notReadyReason(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (parsed !== null && typeof parsed === "object") {
      const { reason, status } = parsed as { reason?: unknown; status?: unknown };
      if (typeof reason === "string" && reason !== "") return reason.slice(0, REASON_MAX_CHARS);
      if (typeof status === "string" && status !== "") return status.slice(0, REASON_MAX_CHARS);
    }
  } catch {
    // Not JSON: fall through to the raw text.
  }
  const text = body.replace(/\s+/g, " ").trim();
  return text === "" ? null : text.slice(0, REASON_MAX_CHARS);
}

/** A not-ready or failed probe on one line: `503 (migrations not all applied)`, `ECONNREFUSED`. */
export function describeProbe(result: ReadinessResult): string {
  if (result.status === null) return result.error ?? "no response";
  return result.reason === null ? String(result.status) : `${result.status} (${result.reason})`;
}

export async function getReadiness(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<ReadinessResult> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "follow" });
    if (response.ok) {
      await response.body?.cancel();
      return { url, ok: true, status: response.status, reason: null, error: null };
    }
    const body = await response.text().catch(() => "");
    return { url, ok: false, status: response.status, reason: notReadyReason(body), error: null };
  } catch (error: unknown) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const message = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
    return { url, ok: false, status: null, reason: null, error: message };
  }
}
