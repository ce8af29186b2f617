/**
 * `capacity --reconcile`: frees the capacity seats (and listener priorities) of stacks that do not exist. A seat is
 * taken before its stack is created (cli/capacity/placement.ts), so a seat without a stack is either a run between those
 * two steps — kept while its claim is younger than RECONCILE_GRACE_MS — or left behind by a run that died or failed
 * without giving it back. Only the second kind is released.
 */
import { PrerequisiteError } from "../errors";
import type { BackendLocation } from "../store/backend";
import { ACCOUNT_POOL, albPool, releaseSeat, seatKeyOf, type Seat } from "../store/capacity-claims";
import { releasePriority } from "../store/priorities";
import type { RecordStore } from "../store/records";
import { stacksOf } from "../store/stack-files";

/**
 * How old a seat without a stack must be to count as abandoned. A run holds one without a stack only from placement to
 * `stack init` (seconds), or while its operator answers the provision prompt; an hour covers both with a wide margin.
 */
export const RECONCILE_GRACE_MS = 60 * 60 * 1000;

export interface StaleSeat {
  readonly pool: string;
  readonly seat: number | null;
  readonly project: string;
  readonly stack: string;
  readonly slug: string;
  readonly claimedAt: string;
}

interface PoolRef {
  readonly pool: string;
  readonly alb?: { readonly env: string; readonly loadBalancer: string };
}

async function pools(store: RecordStore): Promise<PoolRef[]> {
  const found: PoolRef[] = [{ pool: ACCOUNT_POOL }];
  for (const env of await store.list("capacity/alb")) {
    for (const loadBalancer of await store.list(`capacity/alb/${env}`))
      found.push({ pool: albPool(env, loadBalancer), alb: { env, loadBalancer } });
  }
  return found;
}

/** Every seat holder of the pool: from its stack records and from seats whose stack record is missing. */
async function holders(store: RecordStore, pool: string): Promise<Seat[]> {
  const byStack = new Map<string, Seat>();
  for (const folder of ["stacks", "slots"]) {
    for (const name of await store.list(`${pool}/${folder}`)) {
      if (!name.endsWith(".json")) continue;
      const seat = await store.readJson<Seat>(`${pool}/${folder}/${name}`);
      if (seat === undefined || typeof seat.project !== "string" || typeof seat.stack !== "string") continue;
      const key = seatKeyOf(seat);
      const known = byStack.get(key);
      if (known === undefined || seat.claimedAt < known.claimedAt) byStack.set(key, seat);
    }
  }
  return [...byStack.values()];
}

/** Seats held by stacks that do not exist, claimed longer than RECONCILE_GRACE_MS before `now`. */
export async function staleSeats(store: RecordStore, backend: BackendLocation, now: Date): Promise<StaleSeat[]> {
  const stacks = new Map<string, Set<string>>();
  const exists = async (project: string, stack: string): Promise<boolean> => {
    let known = stacks.get(project);
    if (known === undefined) {
      known = await stacksOf(backend, project);
      if (known === undefined)
        throw new PrerequisiteError(
          `capacity --reconcile reads which stacks exist from the backend's .pulumi folder, which ${backend.url} does not offer (allowed: file:// and s3:// backends)`,
        );
      stacks.set(project, known);
    }
    return known.has(stack);
  };
  const stale: StaleSeat[] = [];
  for (const { pool } of await pools(store)) {
    for (const seat of await holders(store, pool)) {
      const age = now.getTime() - Date.parse(seat.claimedAt);
      if (!(age > RECONCILE_GRACE_MS) || (await exists(seat.project, seat.stack))) continue;
      stale.push({
        pool,
        seat: Number.isInteger(seat.seat) ? seat.seat : null,
        project: seat.project,
        stack: seat.stack,
        slug: seat.slug,
        claimedAt: seat.claimedAt,
      });
    }
  }
  return stale;
}

/** Releases the stale seats, and on an ALB also the stack's listener priority there (it was claimed with the seat). */
export async function releaseStaleSeats(store: RecordStore, stale: readonly StaleSeat[]): Promise<void> {
  for (const s of stale) {
    const alb = /^capacity\/alb\/([^/]+)\/([^/]+)$/.exec(s.pool);
    if (alb !== null)
      await releasePriority(store, {
        env: alb[1] ?? "",
        loadBalancer: alb[2] ?? "",
        project: s.project,
        stack: s.stack,
        slug: s.slug,
      });
    await releaseSeat(store, s.pool, s);
  }
}
