/**
 * The rule of `shared down`: an env's shared layer is not destroyed while tenants or previews of that env sit on it
 * (their resources reference its VPC, ALB and cluster, and would be stranded). Exit 4 naming the first few.
 */
import { ConflictError } from "../errors";
import { listPreviewEntries } from "../preview/records";
import type { RecordStore } from "../store/records";
import { listIndex } from "../store/tenant-index";
import { TENANTS_PROJECT } from "./projects";

export async function refuseSharedDownWhileUsed(store: RecordStore, env: string): Promise<void> {
  const tenants = (await listIndex(store, TENANTS_PROJECT)).filter((t) => t.env === env);
  if (tenants.length > 0) {
    throw new ConflictError(
      `env ${env} still has ${tenants.length} tenant(s) (${tenants
        .slice(0, 5)
        .map((t) => t.slug)
        .join(", ")}${tenants.length > 5 ? ", …" : ""})`,
      {
        hint: "tear them down first: tenantctl teardown tenant <slug>",
      },
    );
  }
  const previews = (await listPreviewEntries(store)).filter((p) => p.entry.record.env === env);
  if (previews.length > 0) {
    throw new ConflictError(
      `env ${env} still has ${previews.length} preview(s) (${previews
        .slice(0, 5)
        .map((p) => p.entry.record.stack)
        .join(", ")}${previews.length > 5 ? ", …" : ""})`,
      {
        hint: `remove them first: tenantctl preview down --branch <branch> --env ${env} --yes (or tenantctl preview gc)`,
      },
    );
  }
}
