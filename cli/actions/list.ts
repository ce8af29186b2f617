/**
 * The action of `tenantctl list tenants`: the tenant index as a table or one JSON document. Reads only tenantctl's
 * index records, so it needs neither the pulumi CLI nor a passphrase; only --refresh opens an engine session.
 */
import type { CommandContext, OutputFlags } from "../command-line";
import type { IndexRefreshResult } from "../fleet/index-refresh";
import type { Reporter } from "../io";
import { TENANTS_PROJECT } from "../orchestration/projects";
import { openEngineSession, openRecordsSession } from "../orchestration/session";
import { listIndex } from "../store/tenant-index";
import { renderTable, shortImage, shortTime } from "../table";
import { checkEnv } from "../env-input";

export interface ListFlags extends OutputFlags {
  readonly env?: string;
  readonly refresh?: boolean;
}

export async function listAction(ctx: CommandContext, reporter: Reporter, flags: ListFlags): Promise<void> {
  if (flags.env !== undefined) {
    checkEnv(flags.env);
  }
  const session = openRecordsSession(ctx.io);
  let refresh: IndexRefreshResult | undefined;
  if (flags.refresh ?? false) {
    // Rebuilding reads every stack through the engine (and the spec schema): loaded only for --refresh, so a plain
    // `list tenants` stays close to a bare node start.
    const { refreshTenantIndex } = await import("../fleet/index-refresh");
    refresh = await refreshTenantIndex(
      await openEngineSession(ctx.io, { secretsProvider: undefined, installPulumi: false }),
    );
    reporter.info(
      `index rebuilt from ${refresh.stacks} stack(s): ${refresh.added.length} added, ${refresh.updated.length} updated, ${refresh.removed.length} removed, ${refresh.unreadable.length} without a spec output`,
    );
  }
  const entries = (await listIndex(session.store, TENANTS_PROJECT)).filter(
    (e) => (flags.env === undefined || e.env === flags.env) && e.spec.slot !== true,
  ); // unassigned slots: pool status
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
  reporter.result(
    { backend: session.backend.url, tenants: rows, ...(refresh === undefined ? {} : { refresh }) },
    (out) => {
      if (rows.length === 0) {
        out(`no tenants in ${session.backend.url}${flags.env === undefined ? "" : ` for env ${flags.env}`}`);
        return;
      }
      const head = ["SLUG", "ENV", "TIER", "STATUS", "URL", "IMAGE", "UPDATED"];
      // Fit the terminal: digests and times shortened, then URL, IMAGE and STATUS cut as needed (full values in --json).
      const fit = {
        maxWidth: ctx.io.columns,
        shrink: {
          3: { keep: "start", min: 8 },
          4: { keep: "start", min: 10 },
          5: { keep: "end", min: 14 },
          6: { keep: "start", min: 11 },
        },
      } as const;
      out(
        renderTable(
          head,
          rows.map((r) => [
            r.slug,
            r.env,
            r.tier,
            r.status,
            r.url ?? "-",
            shortImage(r.image),
            shortTime(r.lastUpdated),
          ]),
          fit,
        ),
      );
      out(`${rows.length} tenant${rows.length === 1 ? "" : "s"}`);
    },
  );
}
