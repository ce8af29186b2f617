/**
 * The distributed modes of `upgrade tenants`, validated before anything is read (bad input: exit 2, one line):
 *  --detach            create the rollout (or, with --resume, its next epoch) and print its id; upgrade nothing
 *  --join <id>         be one runner of it: --concurrency, --lease, --timeout, --stagger, --verbose, --secrets-provider
 *  --status <id>       print runners, leases and progress per wave; reads only
 * Plan flags belong to --detach; a runner cannot change the plan or the epoch's limits (--resume --detach does).
 */
import { UsageError } from "../../errors";
import type { UpgradeFlags } from "../upgrade-input";

export interface FleetFlags extends UpgradeFlags {
  readonly detach?: boolean;
  readonly join?: string;
  readonly status?: string;
  readonly lease?: string;
}

export type FleetMode =
  | { readonly kind: "detach" }
  | { readonly kind: "join"; readonly id: string; readonly leaseMs: number }
  | { readonly kind: "status"; readonly id: string };

export const DEFAULT_LEASE = "60s";
const MIN_LEASE_MS = 2000;
const MAX_LEASE_MS = 3_600_000;
const ROLLOUT_ID = /^[0-9TZ-]{10,40}-[0-9a-f]{6}$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;

/** `30s`, `2m`, `1h`: how long a silent runner keeps its tenants before another runner may take them over. */
export function parseLease(raw: string | undefined): number {
  const text = (raw ?? DEFAULT_LEASE).trim();
  const match = /^(\d{1,4})([smh])$/.exec(text);
  const ms = match === null ? NaN : Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (!(ms >= MIN_LEASE_MS && ms <= MAX_LEASE_MS)) {
    throw new UsageError(
      `--lease "${raw ?? ""}" is not a lease duration (allowed: 2s-1h written like 30s, 2m or 1h; default ${DEFAULT_LEASE})`,
    );
  }
  return ms;
}

function checkId(flag: string, raw: string): string {
  if (ROLLOUT_ID.test(raw)) return raw;
  throw new UsageError(
    `${flag} "${raw}" is not a rollout id (allowed: the rolloutId printed by upgrade tenants --detach, e.g. 2026-12-03T10-15-00-000Z-1a2b3c)`,
  );
}

/** Flags that were given, by their command-line names. */
function given(flags: FleetFlags, names: readonly (keyof FleetFlags)[]): string[] {
  return names
    .filter((name) => {
      const value = flags[name];
      return value !== undefined && value !== false && !(Array.isArray(value) && value.length === 0);
    })
    .map((name) => `--${String(name).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
}

function refuse(mode: string, flags: FleetFlags, names: readonly (keyof FleetFlags)[], allowed: string): void {
  const bad = given(flags, names);
  if (bad.length > 0)
    throw new UsageError(`${mode} cannot be combined with ${bad.join(", ")} (allowed with ${mode}: ${allowed})`);
}

const PLAN: readonly (keyof FleetFlags)[] = ["image", "waves", "select", "includePinned"];
const LIMITS: readonly (keyof FleetFlags)[] = ["maxFailures", "health", "healthUrl"];
const RUNNER: readonly (keyof FleetFlags)[] = [
  "concurrency",
  "lease",
  "timeout",
  "stagger",
  "verbose",
  "secretsProvider",
];

/** undefined: none of --detach, --join, --status (the one-machine rollout). */
export function parseFleetMode(flags: FleetFlags): FleetMode | undefined {
  const modes = given(flags, ["detach", "join", "status"]);
  if (modes.length > 1)
    throw new UsageError(
      `${modes.join(" and ")} are different modes (allowed: one of --detach, --join <id>, --status <id>)`,
    );
  if (flags.status !== undefined) {
    refuse("--status", flags, [...PLAN, ...LIMITS, ...RUNNER, "resume", "dryRun"], "--env, --json");
    return { kind: "status", id: checkId("--status", flags.status) };
  }
  if (flags.join !== undefined) {
    refuse(
      "--join",
      flags,
      [...PLAN, ...LIMITS, "resume", "dryRun"],
      "--env, --concurrency, --lease, --timeout, --stagger, --verbose, --secrets-provider, --json; the plan and limits are set by --detach and --resume --detach",
    );
    return { kind: "join", id: checkId("--join", flags.join), leaseMs: parseLease(flags.lease) };
  }
  if (flags.detach === true) {
    refuse(
      "--detach",
      flags,
      [...RUNNER, "dryRun"],
      "the plan flags (--image, --waves, --select, --include-pinned, --max-failures, --health, --health-url), --resume, --env, --json; runners take --concurrency, --lease and --timeout with --join",
    );
    return { kind: "detach" };
  }
  if (flags.lease !== undefined)
    throw new UsageError(`--lease "${flags.lease}" applies to runners only (allowed: with --join <id>)`);
  return undefined;
}

/** The command lines the reports print: join a rollout, or open its next epoch. */
export const joinCommand = (env: string, id: string): string => `tenantctl upgrade tenants --env ${env} --join ${id}`;
export const fleetResumeCommand = (env: string, id: string): string =>
  `tenantctl upgrade tenants --env ${env} --resume ${id} --detach`;
