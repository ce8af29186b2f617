/**
 * `tenantctl update tenant <slug>`: changes tier, skin, owner or image of an existing tenant; shows the spec diff,
 * asks on a terminal (unless --yes), applies it. Flags not given keep their stored values.
 */
import { Command, Option } from "commander";
import type { UpdateFlags } from "../actions/update";
import type { CommandContext } from "../command-line";
import { nounCommand, reporterFor, withBackend, withEnv, withExamples, withJson, withTenantFlags } from "./common";

export function updateCommand(ctx: CommandContext): Command {
  const tenant = withJson(
    withBackend(
      withEnv(withTenantFlags(nounCommand("tenant", "change an existing tenant (tier, skin, owner, image)"))),
    ),
  )
    .argument("<slug>", "tenant slug")
    .option("--dry-run", "preview the changes without applying them")
    .option("-y, --yes", "do not ask for confirmation on a terminal")
    .addOption(
      new Option(
        "--pin-image <ref>",
        "pin the tenant to this image: upgrade tenants leaves it alone unless --include-pinned",
      ),
    )
    .option("--unpin", "remove the tenant's pin, so it runs its image again and takes part in rollouts")
    .option(
      "--refresh",
      "read the real state of every resource first (as `pulumi up --refresh`), so drift is undone too",
    );
  withExamples(tenant, [
    "tenantctl update tenant acme --tier premium",
    "tenantctl update tenant acme --color '#0b8043' --logo-url https://cdn.acme.com/logo.svg --yes",
    "tenantctl update tenant acme --image 123456789012.dkr.ecr.us-east-1.amazonaws.com/tenantctl-app:1.4.2 --dry-run",
    "tenantctl update tenant acme --refresh --yes                 # undo drift found by `drift tenants`",
    "tenantctl update tenant acme --pin-image 123456789012.dkr.ecr.us-east-1.amazonaws.com/tenantctl-app:1.4.2 --yes",
  ]);
  tenant.action(async (slug: string, flags: UpdateFlags) => {
    const { updateAction } = await import("../actions/update");
    await updateAction(ctx, reporterFor(ctx, flags), slug, flags);
  });
  return withExamples(new Command("update").description("update a tenant").addCommand(tenant), [
    "tenantctl update tenant acme --tier premium",
  ]);
}
