/**
 * `upgrade tenants --status <id>`: a distributed rollout's runners (last heartbeat), the leases held, progress and
 * failures per wave, read from its records; nothing is written. Heartbeat ages are measured against this machine's
 * clock, so between machines they are only as exact as the clocks agree (runners never rely on them: lease.ts).
 */
import { hostname } from "node:os";
import { NotFoundError } from "../../errors";
import type { Io, Reporter } from "../../io";
import { openRecordsSession } from "../../orchestration/session";
import { checkEnv, envOrDefault } from "../../env-input";
import { renderRollout, rolloutDocument } from "../rollout-report";
import type { FleetFlags } from "./fleet-input";
import { FleetRecords, readFacts } from "./fleet-records";
import { readOutcomes, summaryState } from "./fleet-summary";
import type { LeaseRecord } from "./lease";
import { boundedEach } from "../concurrency";

export async function statusAction(io: Io, reporter: Reporter, flags: FleetFlags, id: string): Promise<void> {
  const env = envOrDefault(flags.env, io.env);
  checkEnv(env);
  const records = openRecordsSession(io);
  const fleet = new FleetRecords(records.store, env, id);
  const facts = await readFacts(fleet);
  if (facts === undefined)
    throw new NotFoundError(`no distributed rollout ${id} in env ${env}`, {
      hint: `list rollouts under the backend's .tenantctl/fleet/${env}/, or create one with --detach`,
    });
  const leases: LeaseRecord[] = [];
  await boundedEach(await fleet.leasedSlugs(), 16, async (slug) => {
    const lease = await fleet.latestLease(slug);
    if (lease !== undefined && lease.released === undefined) leases.push(lease);
  });
  leases.sort((a, b) => a.slug.localeCompare(b.slug));
  const now = io.now();
  const state = summaryState(facts, {
    leased: new Set(leases.map((l) => l.slug)),
    outcomes: await readOutcomes(fleet, facts),
    owner: { host: hostname(), pid: process.pid },
    at: now,
  });
  const age = (at: string): number => Math.round((now.getTime() - Date.parse(at)) / 1000);
  const runners = (await fleet.runners()).map((r) => ({ ...r, secondsSinceHeartbeat: age(r.heartbeatAt) }));
  const waves = state.waves.map((slugs, i) => {
    const count = (s: string): number => slugs.filter((slug) => state.tenants[slug]?.status === s).length;
    return {
      wave: i + 1,
      tenants: slugs.length,
      upgraded: count("upgraded"),
      skipped: count("skipped"),
      failed: count("failed"),
      unhealthy: count("unhealthy"),
      running: count("running"),
      pending: count("pending"),
    };
  });
  const failures = Object.values(state.tenants)
    .filter((t) => t.status === "failed" || t.status === "unhealthy")
    .map((t) => ({ slug: t.slug, wave: t.wave + 1, status: t.status, error: t.error ?? null }));
  const leaseRows = leases.map((l) => ({
    slug: l.slug,
    generation: l.generation,
    runner: l.runner,
    acquiredAt: l.acquiredAt,
    heartbeatAt: l.heartbeatAt,
    secondsSinceHeartbeat: age(l.heartbeatAt),
    tookOver: l.tookOver ?? null,
  }));
  const doc = {
    ...rolloutDocument(state),
    epoch: facts.epoch.epoch,
    runners,
    leases: leaseRows,
    progress: waves,
    failures,
    resume: null,
  };
  reporter.result(doc, (out) => {
    renderRollout(state, false, out);
    out(`  epoch ${facts.epoch.epoch}; ${runners.length} runner(s):`);
    for (const r of runners)
      out(
        `    ${r.runner} ${r.state}${r.stopReason === undefined ? "" : ` (${r.stopReason})`}: last heartbeat ${r.heartbeatAt} (${r.secondsSinceHeartbeat}s ago by this clock), ${r.finished} finished, holding ${r.holding.length}`,
      );
    for (const w of waves)
      out(
        `  wave ${w.wave}: ${w.upgraded + w.skipped}/${w.tenants} done, ${w.failed + w.unhealthy} failed, ${w.running} running, ${w.pending} pending`,
      );
    for (const l of leaseRows)
      out(`  lease ${l.slug} #${l.generation} held by ${l.runner}, heartbeat ${l.secondsSinceHeartbeat}s ago`);
  });
}
