/**
 * `upgrade tenants` flags → one validated input, before anything is read or touched (bad input: exit 2).
 * With --resume the plan comes from the record, so plan flags (--image, --waves, --select, --include-pinned) are
 * refused; the limits (--max-failures, --concurrency, --stagger, --timeout, --health, --health-url) may be changed for the rest of it.
 */
import { imageProblem } from "../../infra/spec-rules";
import { UsageError } from "../errors";
import { checkEnv, envOrDefault } from "../env-input";
import { checkSecretsProviderOption } from "../orchestration/prerequisites";
import { checkHealthTemplate } from "./health";
import {
  DEFAULT_MAX_FAILURES,
  DEFAULT_WAVES,
  parseMaxFailures,
  parseWaves,
  type FailureLimit,
  type WaveStep,
} from "./plan";
import { parseSelectors, type Selector } from "./selection";

export const DEFAULT_CONCURRENCY = 5;
export const MAX_CONCURRENCY = 100;
export const DEFAULT_STAGGER = "500ms";
const MAX_STAGGER_MS = 60_000;

export interface UpgradeFlags {
  readonly env?: string;
  readonly image?: string;
  readonly waves?: string;
  readonly concurrency?: string;
  readonly stagger?: string;
  readonly timeout?: string;
  readonly maxFailures?: string;
  readonly select?: string[];
  readonly includePinned?: boolean;
  readonly health?: string;
  readonly healthUrl?: string;
  readonly dryRun?: boolean;
  readonly resume?: string | boolean;
  readonly verbose?: boolean;
  readonly json?: boolean;
  readonly secretsProvider?: string;
}

export interface UpgradeInput {
  readonly env: string;
  readonly image: string | undefined;
  readonly wavesText: string;
  readonly steps: readonly WaveStep[];
  readonly selectRaw: readonly string[];
  readonly selectors: readonly Selector[];
  readonly includePinned: boolean;
  /** undefined: not given (the default, or on resume the recorded value, applies). */
  readonly maxFailures: FailureLimit | undefined;
  readonly health: "probe" | "none" | undefined;
  readonly healthUrl: string | undefined;
  readonly concurrency: number;
  /** Milliseconds between the first starts of a wave's parallel lanes. */
  readonly staggerMs: number;
  /** Per-tenant operation limit in ms; undefined: none. */
  readonly timeoutMs: number | undefined;
  readonly dryRun: boolean;
  /** Resume the newest unfinished rollout (id undefined) or the given one. */
  readonly resume: { readonly id: string | undefined } | undefined;
  readonly verbose: boolean;
  readonly secretsProvider: string | undefined;
}

export function parseConcurrency(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_CONCURRENCY;
  const n = /^\d{1,4}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!(n >= 1 && n <= MAX_CONCURRENCY))
    throw new UsageError(
      `--concurrency "${raw}" is not a number of parallel operations (allowed: 1-${MAX_CONCURRENCY})`,
    );
  return n;
}

/** `500ms`, `2s`, `0`: the spacing of the lanes' first starts (boundedEach's staggerMs). */
export function parseStagger(raw: string | undefined): number {
  const text = (raw ?? DEFAULT_STAGGER).trim();
  const match = /^(\d{1,5})(ms|s)?$/.exec(text);
  const ms = match === null ? NaN : Number(match[1]) * (match[2] === "s" ? 1000 : 1);
  if (match === null || (match[2] === undefined && ms !== 0) || !(ms <= MAX_STAGGER_MS)) {
    throw new UsageError(`--stagger "${raw ?? ""}" is not a spacing (allowed: 0, or 1ms-60s written like 500ms or 2s)`);
  }
  return ms;
}

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;

/** `90s`, `30m`, `2h`: how long one tenant's stack operation may run before it is cancelled (1s-24h); none by default. */
export function parseOperationTimeout(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const match = /^(\d{1,5})([smh])$/.exec(raw.trim());
  const ms = match === null ? NaN : Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (!(ms >= 1000 && ms <= 24 * UNIT_MS.h)) {
    throw new UsageError(
      `--timeout "${raw}" is not a time limit per tenant (allowed: 1s-24h written like 90s, 30m or 2h)`,
    );
  }
  return ms;
}

function parseHealth(raw: string | undefined): "probe" | "none" | undefined {
  if (raw === undefined || raw === "probe" || raw === "none") return raw;
  throw new UsageError(`--health "${raw}" is not a health check (allowed: probe, none)`);
}

function parseResume(raw: string | boolean | undefined): UpgradeInput["resume"] {
  if (raw === undefined || raw === false) return undefined;
  if (raw === true) return { id: undefined };
  if (/^[0-9TZ-]{10,40}-[0-9a-f]{6}$/.test(raw)) return { id: raw };
  throw new UsageError(
    `--resume "${raw}" is not a rollout id (allowed: an id printed by upgrade tenants, or no value for the newest unfinished rollout)`,
  );
}

export async function parseUpgradeFlags(flags: UpgradeFlags, processEnv: NodeJS.ProcessEnv): Promise<UpgradeInput> {
  const env = envOrDefault(flags.env, processEnv);
  checkEnv(env);
  const resume = parseResume(flags.resume);
  const selectRaw = flags.select ?? [];
  if (resume !== undefined) {
    const planFlags = [
      flags.image === undefined ? "" : "--image",
      flags.waves === undefined ? "" : "--waves",
      selectRaw.length === 0 ? "" : "--select",
      (flags.includePinned ?? false) ? "--include-pinned" : "",
    ].filter((f) => f !== "");
    if (planFlags.length > 0)
      throw new UsageError(
        `--resume continues the recorded plan; ${planFlags.join(", ")} cannot change it (allowed with --resume: --max-failures, --concurrency, --stagger, --timeout, --health, --health-url)`,
      );
  } else if (flags.image === undefined) {
    throw new UsageError(
      "--image is required (allowed: --image <ref> for a new rollout, or --resume to continue the last one)",
    );
  }
  const imageIssue = flags.image === undefined ? undefined : imageProblem(flags.image);
  if (imageIssue !== undefined) throw new UsageError(`--image: ${imageIssue}`);
  const wavesText = flags.waves ?? DEFAULT_WAVES;
  return {
    env,
    image: flags.image,
    wavesText,
    steps: parseWaves(wavesText),
    selectRaw,
    selectors: parseSelectors(selectRaw),
    includePinned: flags.includePinned ?? false,
    maxFailures:
      flags.maxFailures === undefined
        ? resume === undefined
          ? parseMaxFailures(DEFAULT_MAX_FAILURES)
          : undefined
        : parseMaxFailures(flags.maxFailures),
    health: parseHealth(flags.health),
    healthUrl: flags.healthUrl === undefined ? undefined : checkHealthTemplate(flags.healthUrl),
    concurrency: parseConcurrency(flags.concurrency),
    staggerMs: parseStagger(flags.stagger),
    timeoutMs: parseOperationTimeout(flags.timeout),
    dryRun: flags.dryRun ?? false,
    resume,
    verbose: flags.verbose ?? false,
    secretsProvider: checkSecretsProviderOption(flags.secretsProvider),
  };
}
