/**
 * `tenantctl list tenants`: the tenant index as a table or one JSON document. Reads only tenantctl's index
 * records, so it needs neither the pulumi CLI nor a passphrase and never loads the Pulumi SDK.
 */
import { Command } from "commander";
import type { IndexRefreshResult } from "../fleet/index-refresh";
import { renderTable, shortImage, shortTime } from "../table";
import { reporterFor, withExamples, withJson, withYes, nounCommand, type CommandContext, type OutputFlags } from "./common";

interface ListFlags extends OutputFlags {
  readonly env?: string;
  readonly refresh?: boolean;
}

export function listCommand(ctx: CommandContext): Command {
  const tenants = withJson(nounCommand("tenants", "list every tenant with its tier, last operation, URL and image"))
    .option("--env <env>", "only tenants of this environment")
    .option("--refresh", "first rebuild the tenant index from the stacks (slow: reads every stack; needs the pulumi CLI and the passphrase)");
  withYes(tenants);
  withExamples(tenants, ["tenantctl list tenants", "tenantctl list tenants --env prod --json | jq '.tenants[].slug'"]);
  tenants.action(async (flags: ListFlags) => {
    const reporter = reporterFor(ctx, flags);
    if (flags.env !== undefined) {
      const { checkEnv } = await import("../tenant-input");
      await checkEnv(flags.env);
    }
    const { openRecordsSession } = await import("../orchestration/session");
    const { listIndex } = await import("../orchestration/tenant-index");
    const { TENANTS_PROJECT } = await import("../orchestration/projects");
    const session = openRecordsSession(ctx.io);
    let refresh: IndexRefreshResult | undefined;
    if (flags.refresh ?? false) {
      const { openEngineSession } = await import("../orchestration/session");
      const { refreshTenantIndex } = await import("../fleet/index-refresh");
      refresh = await refreshTenantIndex(await openEngineSession(ctx.io, { secretsProvider: undefined, installPulumi: false }));
      reporter.info(`index rebuilt from ${refresh.stacks} stack(s): ${refresh.added.length} added, ${refresh.updated.length} updated, ${refresh.removed.length} removed, ${refresh.unreadable.length} without a spec output`);
    }
    const entries = (await listIndex(session.store, TENANTS_PROJECT)).filter((e) => (flags.env === undefined || e.env === flags.env) && e.spec.slot !== true); // unassigned slots: pool status
    const rows = entries.map((e) => ({
      slug: e.slug,
      env: e.env,
      tier: e.tier,
      status: `${e.lastOperation} ${e.status}`,
      url: e.url ?? null,
      image: e.image,
      listenerPriority: e.listenerPriority,
      lastUpdated: e.updatedAt,
    }));
    reporter.result({ backend: session.backend.url, tenants: rows, ...(refresh === undefined ? {} : { refresh }) }, (out) => {
      if (rows.length === 0) {
        out(`no tenants in ${session.backend.url}${flags.env === undefined ? "" : ` for env ${flags.env}`}`);
        return;
      }
      const head = ["SLUG", "ENV", "TIER", "STATUS", "URL", "IMAGE", "UPDATED"];
      // Fit the terminal: digests and times shortened, then URL, IMAGE and STATUS cut as needed (full values in --json).
      const fit = { maxWidth: ctx.io.columns, shrink: { 3: { keep: "start", min: 8 }, 4: { keep: "start", min: 10 }, 5: { keep: "end", min: 14 }, 6: { keep: "start", min: 11 } } } as const;
      out(renderTable(head, rows.map((r) => [r.slug, r.env, r.tier, r.status, r.url ?? "-", shortImage(r.image), shortTime(r.lastUpdated)]), fit));
      out(`${rows.length} tenant${rows.length === 1 ? "" : "s"}`);
    });
  });
  return withExamples(new Command("list").description("list tenants").addCommand(tenants), ["tenantctl list tenants"]);
}
