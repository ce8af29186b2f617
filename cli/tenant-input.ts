/**
 * Command-line flags → a tenant spec, validated with the one schema (infra/spec.ts) before anything is touched.
 * Values the orchestration fills in later (listener priority, default image from the shared stack) get
 * placeholders here so that every user-supplied field is checked up front.
 */
import type { TenantSpec } from "../infra/spec";
import { UsageError } from "./errors";
import { isTenantctlError } from "../infra/errors";
import { parseTenantSpec } from "../infra/spec";
import { envOrDefault } from "./env-input";

export const DEFAULT_TIER = "basic";
export const DEFAULT_COLOR = "#1a73e8";
/** Stands in for the shared stack's image during validation only; never deployed. */
const PLACEHOLDER_IMAGE = "registry.invalid/tenantctl-app:validation";
const PLACEHOLDER_PRIORITY = 1;

/** The flags provision, update and synth share. */
export interface TenantFlags {
  readonly tier?: string;
  readonly displayName?: string;
  readonly env?: string;
  readonly color?: string;
  readonly logoUrl?: string;
  readonly owner?: string;
  readonly image?: string;
}

/** A spec as the user asked for it: everything but the values the orchestration allocates. */
export interface RequestedTenant {
  readonly spec: TenantSpec;
  /** False when no --image was given: the shared stack's image is used. */
  readonly imageGiven: boolean;
}

/** Turns infra's user-facing errors (one problem per line) into a usage error; other errors pass through. */
export function asUsageError(error: unknown): unknown {
  if (isTenantctlError(error)) {
    return new UsageError(error.problems.join("\n"), { details: { problems: error.problems } });
  }
  return error;
}

export function parseSpecOrUsage(input: unknown): TenantSpec {
  try {
    return parseTenantSpec(input);
  } catch (error: unknown) {
    throw asUsageError(error);
  }
}

export async function requestedTenant(
  slug: string,
  flags: TenantFlags,
  processEnv: NodeJS.ProcessEnv,
): Promise<RequestedTenant> {
  const input = {
    slug,
    // An empty slug is reported once, as a slug problem, not again as an empty display name.
    displayName: flags.displayName ?? (slug.trim() === "" ? "-" : slug),
    env: envOrDefault(flags.env, processEnv),
    tier: flags.tier ?? DEFAULT_TIER,
    skin: {
      primaryColor: flags.color ?? DEFAULT_COLOR,
      ...(flags.logoUrl === undefined ? {} : { logoUrl: flags.logoUrl }),
    },
    image: flags.image ?? PLACEHOLDER_IMAGE,
    ...(flags.owner === undefined ? {} : { owner: flags.owner }),
    listenerPriority: PLACEHOLDER_PRIORITY,
  };
  return { spec: parseSpecOrUsage(input), imageGiven: flags.image !== undefined };
}

/** The user's flags applied over an existing spec (update keeps what was not given). */
export async function applyFlags(current: TenantSpec, flags: TenantFlags): Promise<TenantSpec> {
  const skin = {
    primaryColor: flags.color ?? current.skin.primaryColor,
    ...((flags.logoUrl ?? current.skin.logoUrl) === undefined
      ? {}
      : { logoUrl: flags.logoUrl ?? current.skin.logoUrl }),
  };
  return parseSpecOrUsage({
    ...current,
    ...(flags.tier === undefined ? {} : { tier: flags.tier }),
    ...(flags.displayName === undefined ? {} : { displayName: flags.displayName }),
    ...(flags.image === undefined ? {} : { image: flags.image }),
    ...(flags.owner === undefined ? {} : { owner: flags.owner }),
    skin,
  });
}
