/**
 * The action of `tenantctl provision tenant <slug>`: the shared provision/update path (tenant-apply.ts) in provision
 * mode, with the command line that reruns it.
 */
import { commandLine, type BackendFlags, type CommandContext, type OutputFlags } from "../command-line";
import type { Reporter } from "../io";
import type { TenantFlags } from "../tenant-input";
import { applyAndReport } from "./tenant-apply";

export type ProvisionFlags = TenantFlags &
  OutputFlags &
  BackendFlags & { readonly dryRun?: boolean; readonly yes?: boolean; readonly pool?: boolean };

export async function provisionAction(
  ctx: CommandContext,
  reporter: Reporter,
  slug: string,
  flags: ProvisionFlags,
): Promise<void> {
  await applyAndReport(ctx, reporter, {
    mode: "provision",
    slug,
    flags,
    dryRun: flags.dryRun ?? false,
    refresh: false,
    yes: flags.yes ?? false,
    secretsProvider: flags.secretsProvider,
    installPulumi: flags.installPulumi ?? false,
    retry: commandLine(["provision", "tenant", slug], {
      ...flags,
      pool: undefined,
      ...(flags.pool === false ? { noPool: true } : {}),
    }),
    usePool: flags.pool !== false,
  });
}
