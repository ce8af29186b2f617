/**
 * The action of `tenantctl update tenant <slug>`: the pin flags checked, then the shared provision/update path
 * (tenant-apply.ts) in update mode, with the command line that reruns it.
 */
import { commandLine, type BackendFlags, type CommandContext, type OutputFlags } from "../command-line";
import type { Reporter } from "../io";
import { checkPinFlags, type PinFlags } from "../orchestration/pins";
import type { TenantFlags } from "../tenant-input";
import { applyAndReport } from "./tenant-apply";

export type UpdateFlags = TenantFlags &
  PinFlags &
  OutputFlags &
  BackendFlags & { readonly dryRun?: boolean; readonly yes?: boolean; readonly refresh?: boolean };

export async function updateAction(
  ctx: CommandContext,
  reporter: Reporter,
  slug: string,
  flags: UpdateFlags,
): Promise<void> {
  checkPinFlags(flags);
  await applyAndReport(ctx, reporter, {
    mode: "update",
    slug,
    flags,
    dryRun: flags.dryRun ?? false,
    refresh: flags.refresh ?? false,
    yes: flags.yes ?? false,
    secretsProvider: flags.secretsProvider,
    installPulumi: flags.installPulumi ?? false,
    retry: commandLine(["update", "tenant", slug], { ...flags }),
  });
}
