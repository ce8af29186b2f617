/**
 * A new rollout's plan: the env's tenants from the index, narrowed by --select (pins kept apart), cut into waves.
 * Used by `upgrade tenants` on one machine and by `--detach` for runners on many.
 */
import { NotFoundError } from "../errors";
import type { Io } from "../io";
import type { TenantIndexEntry } from "../store/tenant-index";
import { currentOwner, newRolloutId } from "../store/rollout-store";
import { planWaves } from "./plan";
import { createRollout, type RolloutState } from "./rollout-state";
import { selectTenants } from "./selection";
import type { UpgradeInput } from "./upgrade-input";

export async function planRollout(
  io: Io,
  input: UpgradeInput,
  entries: readonly TenantIndexEntry[],
): Promise<RolloutState> {
  const candidates = entries.map((e) => ({
    slug: e.slug,
    tier: e.tier,
    loadBalancer: e.spec.loadBalancer,
    pinnedImage: e.spec.pinnedImage,
  }));
  const selection = selectTenants(candidates, input.selectors, input.includePinned);
  if (selection.unknownSlugs.length > 0) {
    throw new NotFoundError(
      `--select names tenant(s) that do not exist in env ${input.env}: ${selection.unknownSlugs.join(", ")}`,
      {
        hint: `see the tenants with: tenantctl list tenants --env ${input.env} (or rebuild the index: tenantctl list tenants --refresh)`,
      },
    );
  }
  const waves = planWaves(
    selection.selected.map((c) => c.slug),
    input.steps,
  );
  const now = io.now();
  return createRollout({
    id: newRolloutId(now),
    env: input.env,
    options: {
      image: input.image ?? "",
      waves: input.wavesText,
      maxFailures: input.maxFailures ?? { kind: "count", value: 0 },
      selectors: input.selectRaw,
      includePinned: input.includePinned,
      health: input.health ?? "probe",
      healthUrl: input.healthUrl,
    },
    waves,
    pinned: selection.pinned.map((c) => c.slug),
    owner: currentOwner(),
    at: now,
  });
}
