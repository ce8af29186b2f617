/**
 * What `upgrade tenants` prints: one JSON document (the rollout and every tenant's outcome) or a human summary per
 * wave. Also the document of a dry run, which is the plan alone.
 */
import { countByStatus, failureCount, type RolloutState, type TenantRollout } from "./rollout-state";
import { describeLimit } from "./plan";

export function resumeCommand(state: Pick<RolloutState, "env" | "id"> & { readonly distributed?: true }): string {
  // A distributed rollout resumes as a new epoch that runners then --join.
  return `tenantctl upgrade tenants --env ${state.env} --resume ${state.id}${state.distributed === true ? " --detach" : ""}`;
}

function tenantRow(t: TenantRollout): Record<string, unknown> {
  return {
    slug: t.slug,
    wave: t.wave + 1,
    status: t.status,
    error: t.error ?? null,
    previousImage: t.previousImage ?? null,
    attempts: t.attempts,
    startedAt: t.startedAt ?? null,
    finishedAt: t.finishedAt ?? null,
  };
}

export function rolloutDocument(state: RolloutState, dryRun = false): Record<string, unknown> {
  const done = state.status === "completed" && failureCount(state) === 0;
  return {
    rollout: dryRun ? null : state.id,
    env: state.env,
    image: state.options.image,
    dryRun,
    status: dryRun ? "planned" : state.status,
    haltReason: state.haltReason ?? null,
    maxFailures: describeLimit(state.options.maxFailures),
    waves: state.waves.map((slugs, i) => ({ wave: i + 1, tenants: [...slugs] })),
    counts: countByStatus(state),
    tenants: Object.values(state.tenants)
      .sort((a, b) => a.wave - b.wave || a.slug.localeCompare(b.slug))
      .map(tenantRow),
    pinned: [...state.pinned],
    resume: done || dryRun ? null : resumeCommand(state),
  };
}

export function renderRollout(state: RolloutState, dryRun: boolean, out: (line: string) => void): void {
  const counts = countByStatus(state);
  out(
    dryRun
      ? `plan: ${state.options.image} to ${Object.keys(state.tenants).length} tenant(s) of ${state.env} in ${state.waves.length} wave(s); nothing was changed`
      : `rollout ${state.id} of ${state.options.image} in ${state.env}: ${state.status}${state.haltReason === undefined ? "" : ` — ${state.haltReason}`}`,
  );
  state.waves.forEach((slugs, i) => {
    const cells = slugs.map((slug) => {
      const t = state.tenants[slug];
      return dryRun || t === undefined ? slug : `${slug} ${t.status}`;
    });
    out(`  wave ${i + 1}: ${cells.join(", ")}`);
  });
  if (state.pinned.length > 0)
    out(`  pinned (skipped; --include-pinned upgrades them too): ${state.pinned.join(", ")}`);
  for (const t of Object.values(state.tenants)) {
    if (t.error !== undefined && (t.status === "failed" || t.status === "unhealthy"))
      out(`  ${t.slug} ${t.status}: ${t.error}`);
  }
  if (!dryRun) {
    out(
      `  ${counts.upgraded} upgraded, ${counts.failed} failed, ${counts.unhealthy} unhealthy, ${counts.skipped + counts.pinned} skipped/pinned, ${counts.pending} not started`,
    );
    if (state.status !== "completed" || failureCount(state) > 0) out(`  resume with: ${resumeCommand(state)}`);
  }
}
