/**
 * The image a new tenant gets when `--image` is not given: what the env's fleet runs, so a tenant provisioned after
 * `upgrade tenants` does not start on the shared stack's older image. "What the fleet runs" is the image most of the
 * env's unpinned tenants run (ties: the one updated last); with no such tenant, the shared stack's `imageUri`.
 */
import type { RecordStore } from "../store/records";
import { TENANTS_PROJECT } from "./projects";
import { listIndex } from "../store/tenant-index";

export interface DefaultImage {
  readonly image: string;
  readonly source: "fleet" | "shared";
  /** Unpinned tenants of the env running `image`, and how many there are. */
  readonly running: number;
  readonly tenants: number;
  readonly sharedImage: string;
}

export async function newTenantImage(store: RecordStore, env: string, sharedImage: string): Promise<DefaultImage> {
  const fleet = (await listIndex(store, TENANTS_PROJECT)).filter(
    (e) => e.env === env && e.spec.pinnedImage === undefined && e.status !== "failed",
  );
  const tally = new Map<string, { count: number; last: string }>();
  for (const e of fleet) {
    const t = tally.get(e.spec.image) ?? { count: 0, last: "" };
    tally.set(e.spec.image, { count: t.count + 1, last: e.updatedAt > t.last ? e.updatedAt : t.last });
  }
  const best = [...tally.entries()].sort(([, a], [, b]) => b.count - a.count || b.last.localeCompare(a.last))[0];
  if (best === undefined) return { image: sharedImage, source: "shared", running: 0, tenants: 0, sharedImage };
  return { image: best[0], source: "fleet", running: best[1].count, tenants: fleet.length, sharedImage };
}

/** One line saying which image a new tenant got and why. */
export function describeDefaultImage(d: DefaultImage, env: string): string {
  if (d.source === "shared") return `the shared stack's image: no tenant of ${env} runs another yet`;
  const shared = d.image === d.sharedImage ? "also the shared stack's" : `the shared stack's is ${d.sharedImage}`;
  return `what the fleet of ${env} runs: ${d.running} of ${d.tenants} tenant${d.tenants === 1 ? "" : "s"}; ${shared}; --image chooses another`;
}
