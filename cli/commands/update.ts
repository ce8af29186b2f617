/**
 * `tenantctl update tenant <slug>`: changes tier, skin, owner or image of an existing tenant; shows the spec diff,
 * asks on a terminal (unless --yes), applies it. Flags not given keep their stored values.
 */
import { Command } from "commander";
import type { TenantFlags } from "../tenant-input";
import {
  commandLine, nounCommand, reporterFor, withBackend, withEnv, withExamples, withJson, withTenantFlags,
  type BackendFlags, type CommandContext, type OutputFlags,
} from "./common";
import { applyAndReport } from "./tenant-apply";

type UpdateFlags = TenantFlags & OutputFlags & BackendFlags & { readonly dryRun?: boolean; readonly yes?: boolean };

export function updateCommand(ctx: CommandContext): Command {
  const tenant = withJson(withBackend(withEnv(withTenantFlags(nounCommand("tenant", "change an existing tenant (tier, skin, owner, image)")))))
    .argument("<slug>", "tenant slug")
    .option("--dry-run", "preview the changes without applying them")
    .option("-y, --yes", "do not ask for confirmation on a terminal");
  withExamples(tenant, [
    "tenantctl update tenant acme --tier premium",
    "tenantctl update tenant acme --color '#0b8043' --logo-url https://cdn.acme.com/logo.svg --yes",
    "tenantctl update tenant acme --image 123456789012.dkr.ecr.us-east-1.amazonaws.com/tenantctl-app:1.4.2 --dry-run",
  ]);
  tenant.action(async (slug: string, flags: UpdateFlags) => {
    const reporter = reporterFor(ctx, flags);
    await applyAndReport(ctx, reporter, {
      mode: "update",
      slug,
      flags,
      dryRun: flags.dryRun ?? false,
      yes: flags.yes ?? false,
      secretsProvider: flags.secretsProvider,
      installPulumi: flags.installPulumi ?? false,
      retry: commandLine(["update", "tenant", slug], { ...flags }),
    });
  });
  return withExamples(new Command("update").description("update a tenant").addCommand(tenant), ["tenantctl update tenant acme --tier premium"]);
}
