/**
 * Listener rule priorities: unique per listener, stable for a tenant, safe when provisions run at once.
 * Each claim is two exclusively created records under `priorities/<env>/<loadBalancer>/`:
 *   numbers/<priority>.json        — who owns the number (first writer wins)
 *   stacks/<project>.<stack>.json  — which number a stack owns (so a rerun gets the same one)
 * A process that loses the race for a number tries the next; one that loses the race for its stack record
 * gives its number back and uses the winner's.
 */
import type { BackendLocation } from "./backend";
import { releaseStackSeats } from "./capacity-claims";
import type { RecordStore } from "./records";
import { stackExists } from "./stack-files";

export const PRIORITY_FIRST = 100;
export const PRIORITY_LAST = 50000;

export interface PriorityClaim {
  readonly priority: number;
  readonly project: string;
  readonly stack: string;
  readonly slug: string;
  readonly claimedAt: string;
  readonly pid: number;
}

export interface ClaimRequest {
  readonly env: string;
  readonly loadBalancer: string;
  readonly project: string;
  readonly stack: string;
  readonly slug: string;
  /** A priority the stack already uses (from its stored spec); reclaimed rather than replaced. */
  readonly current?: number | undefined;
  readonly now: Date;
}

const folder = (r: Pick<ClaimRequest, "env" | "loadBalancer">): string => `priorities/${r.env}/${r.loadBalancer}`;
const stackKey = (r: ClaimRequest): string => `${folder(r)}/stacks/${r.project}.${r.stack}.json`;
const numberKey = (r: Pick<ClaimRequest, "env" | "loadBalancer">, n: number): string =>
  `${folder(r)}/numbers/${n}.json`;

export async function usedPriorities(
  store: RecordStore,
  r: Pick<ClaimRequest, "env" | "loadBalancer">,
): Promise<Set<number>> {
  const names = await store.list(`${folder(r)}/numbers`);
  return new Set(names.map((name) => Number.parseInt(name, 10)).filter((n) => Number.isInteger(n)));
}

async function claimNumber(store: RecordStore, r: ClaimRequest, n: number): Promise<boolean> {
  const claim: PriorityClaim = {
    priority: n,
    project: r.project,
    stack: r.stack,
    slug: r.slug,
    claimedAt: r.now.toISOString(),
    pid: process.pid,
  };
  if (await store.createExclusive(numberKey(r, n), claim)) return true;
  const holder = await store.readJson<PriorityClaim>(numberKey(r, n));
  return holder !== undefined && holder.project === r.project && holder.stack === r.stack;
}

/** Returns the stack's priority, claiming a free one when it has none. */
export async function claimPriority(store: RecordStore, r: ClaimRequest): Promise<number> {
  const existing = await store.readJson<PriorityClaim>(stackKey(r));
  if (existing !== undefined) return existing.priority;
  let chosen: number | undefined;
  if (r.current !== undefined && (await claimNumber(store, r, r.current))) chosen = r.current;
  const used = await usedPriorities(store, r);
  for (let n = PRIORITY_FIRST; chosen === undefined && n <= PRIORITY_LAST; n += 1) {
    if (!used.has(n) && (await claimNumber(store, r, n))) chosen = n;
  }
  if (chosen === undefined)
    throw new Error(`no free listener priority between ${PRIORITY_FIRST} and ${PRIORITY_LAST} on ${r.loadBalancer}`);
  const record: PriorityClaim = {
    priority: chosen,
    project: r.project,
    stack: r.stack,
    slug: r.slug,
    claimedAt: r.now.toISOString(),
    pid: process.pid,
  };
  if (await store.createExclusive(stackKey(r), record)) return chosen;
  // Another process provisioning the same stack won: give our number back (unless it is theirs too) and use theirs.
  const winner = await store.readJson<PriorityClaim>(stackKey(r));
  if (winner === undefined) throw new Error(`listener priority claim for ${r.stack} vanished while claiming; rerun`);
  if (winner.priority !== chosen) await store.remove(numberKey(r, chosen));
  return winner.priority;
}

/** The priority claimPriority would return, without claiming anything (for --dry-run). */
export async function peekPriority(store: RecordStore, r: ClaimRequest): Promise<number> {
  const existing = await store.readJson<PriorityClaim>(stackKey(r));
  if (existing !== undefined) return existing.priority;
  const used = await usedPriorities(store, r);
  if (r.current !== undefined && !used.has(r.current)) return r.current;
  for (let n = PRIORITY_FIRST; n <= PRIORITY_LAST; n += 1) if (!used.has(n)) return n;
  throw new Error(`no free listener priority between ${PRIORITY_FIRST} and ${PRIORITY_LAST} on ${r.loadBalancer}`);
}

/**
 * Frees the stack's priority and its capacity seats (capacity-claims.ts), after its stack is removed — teardown and
 * preview down — or when a new tenant is abandoned before its stack was created.
 */
export async function releasePriority(store: RecordStore, r: Omit<ClaimRequest, "current" | "now">): Promise<void> {
  const key = `${folder(r)}/stacks/${r.project}.${r.stack}.json`;
  const existing = await store.readJson<PriorityClaim>(key);
  if (existing !== undefined) {
    await store.remove(numberKey(r, existing.priority));
    await store.remove(key);
  }
  await releaseStackSeats(store, r);
}

/**
 * After a failed provision, restore or preview up of a new stack: its seats and listener priority go back unless its
 * stack exists by now (then it counts against the limits, and teardown or preview down frees them). Best effort: the
 * original error matters more, and `capacity --reconcile` frees whatever is left.
 */
export async function giveBackUnlessStackExists(
  store: RecordStore,
  backend: BackendLocation,
  r: Omit<ClaimRequest, "current" | "now">,
): Promise<void> {
  const exists = await stackExists(backend, r.project, r.stack).catch(() => undefined);
  if (exists === false) await releasePriority(store, r).catch(() => undefined);
}

/** A claimed warm-pool slot keeps its listener rule and so its priority: the claim moves the number to its new stack name. */
export async function movePriority(
  store: RecordStore,
  r: Omit<ClaimRequest, "current" | "now">,
  to: { readonly stack: string; readonly slug: string },
  now: Date,
): Promise<void> {
  const existing = await store.readJson<PriorityClaim>(stackKey({ ...r, now }));
  if (existing === undefined) return;
  const moved: PriorityClaim = {
    ...existing,
    stack: to.stack,
    slug: to.slug,
    claimedAt: now.toISOString(),
    pid: process.pid,
  };
  await store.writeJson(`${folder(r)}/stacks/${r.project}.${to.stack}.json`, moved);
  await store.writeJson(numberKey(r, existing.priority), moved);
  await store.remove(stackKey({ ...r, now }));
}
