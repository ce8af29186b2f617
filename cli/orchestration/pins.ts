/**
 * Pins (`update tenant <slug> --pin-image <ref>` / `--unpin`): a pinned tenant runs its pinned image whatever its
 * `image` says, and `upgrade tenants` leaves it alone unless --include-pinned (cli/fleet/selection.ts). Pure.
 */
import { imageProblem } from "../../infra/spec-rules";
import type { TenantSpec } from "../../infra/spec";
import { UsageError } from "../errors";

export interface PinFlags {
  readonly pinImage?: string;
  readonly unpin?: boolean;
}

/** Exit-2 checks, before anything is touched. */
export function checkPinFlags(flags: PinFlags): void {
  if (flags.pinImage !== undefined && (flags.unpin ?? false)) {
    throw new UsageError("--pin-image and --unpin contradict each other (allowed: one of them)");
  }
  const problem = flags.pinImage === undefined ? undefined : imageProblem(flags.pinImage);
  if (problem !== undefined) throw new UsageError(`--pin-image: ${problem}`);
}

/** The spec with the pin set, removed, or as it was when neither flag is given. */
export function applyPin(spec: TenantSpec, flags: PinFlags): TenantSpec {
  if (flags.pinImage !== undefined) return { ...spec, pinnedImage: flags.pinImage };
  if (flags.unpin ?? false) {
    const { pinnedImage: _pin, ...rest } = spec;
    return rest;
  }
  return spec;
}
