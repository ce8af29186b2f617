/**
 * Capacity seats: what makes "one more tenant fits" hold when provisions race (docs/fleet.md, "Placement and
 * refusal"). A pool is a limit in tenants — the account (RDS instances, IAM roles: `capacity/account`) or one ALB of an
 * env (target groups, listener rules: `capacity/alb/<env>/<alb>`) — and a stack that counts against it holds a seat:
 *   slots/<n>.json                 — seat number n, 0 ≤ n < limit, created with `createExclusive` (first writer wins)
 *   stacks/<project>.<stack>.json  — which seat the stack holds (so a rerun keeps it, teardown frees it)
 *
 * Why numbered seats and not "rank the claims by (claimedAt, key)": a racer can take its timestamp before another's
 * but make its record visible after the other has already listed and counted itself in, so two racers can each see
 * themselves within the limit. Seat numbers below the limit need no ordering: `createExclusive` lets at most one
 * process hold each number, so at most `limit` stacks hold seats, whatever the timing — on a file backend (hard link)
 * and on S3 (conditional put) alike, since only the RecordStore interface is used.
 *
 * Stacks counted against a pool without a seat (created before seats existed, previews, which claim none) are
 * `unseated`: they shrink the numbers a newcomer may take to `limit - unseated`. After taking a seat the claimer counts
 * again (seats held + unseated) and gives its seat back if that crosses the limit, which only happens after a quota was
 * lowered below what is in use; two racers may then both refuse, never both pass.
 */
import type { RecordStore } from "./records";

export interface SeatHolder {
  readonly project: string;
  readonly stack: string;
  readonly slug: string;
}

export interface Seat extends SeatHolder {
  readonly seat: number;
  readonly claimedAt: string;
  readonly pid: number;
}

export interface SeatBound {
  /** The pool's limit in tenants. */
  readonly limit: number;
  /** Stacks counted against the pool that hold no seat in it (excluding the claimer). */
  readonly unseated: number;
  readonly now: Date;
}

export const ACCOUNT_POOL = "capacity/account";
export const albPool = (env: string, loadBalancer: string): string => `capacity/alb/${env}/${loadBalancer}`;

const slotsFolder = (pool: string): string => `${pool}/slots`;
const slotKey = (pool: string, n: number): string => `${pool}/slots/${n}.json`;
const stacksFolder = (pool: string): string => `${pool}/stacks`;
/** `<project>.<stack>`: how seats, and the index entries counted beside them, name a stack. */
export const seatKeyOf = (h: Pick<SeatHolder, "project" | "stack">): string => `${h.project}.${h.stack}`;
const stackKey = (pool: string, h: Pick<SeatHolder, "project" | "stack">): string =>
  `${stacksFolder(pool)}/${seatKeyOf(h)}.json`;
const same = (
  a: Pick<SeatHolder, "project" | "stack"> | undefined,
  b: Pick<SeatHolder, "project" | "stack">,
): boolean => a !== undefined && a.project === b.project && a.stack === b.stack;

/** `<project>.<stack>` of every stack holding a seat in the pool. */
export async function seatedStacks(store: RecordStore, pool: string): Promise<Set<string>> {
  const names = await store.list(stacksFolder(pool));
  return new Set(names.filter((n) => n.endsWith(".json")).map((n) => n.slice(0, -".json".length)));
}

/** Seat numbers taken in the pool. */
export async function takenSeats(store: RecordStore, pool: string): Promise<Set<number>> {
  const names = await store.list(slotsFolder(pool));
  return new Set(names.filter((n) => /^\d+\.json$/.test(n)).map((n) => Number.parseInt(n, 10)));
}

/** The seat the stack holds in the pool, if its record and its seat agree. */
export async function heldSeat(store: RecordStore, pool: string, h: SeatHolder): Promise<number | undefined> {
  const mine = await store.readJson<Seat>(stackKey(pool, h));
  if (mine === undefined) return undefined;
  return same(await store.readJson<Seat>(slotKey(pool, mine.seat)), h) ? mine.seat : undefined;
}

/**
 * Takes a seat for the stack (or returns the one it holds: reruns are idempotent). undefined when the pool is full:
 * then nothing of this call is left behind.
 */
export async function claimSeat(
  store: RecordStore,
  pool: string,
  h: SeatHolder,
  bound: SeatBound,
): Promise<number | undefined> {
  const held = await heldSeat(store, pool, h);
  if (held !== undefined) return held;
  // A record whose seat is gone or someone else's is left over from an interrupted release.
  await store.remove(stackKey(pool, h));
  const record = (seat: number): Seat => ({
    seat,
    project: h.project,
    stack: h.stack,
    slug: h.slug,
    claimedAt: bound.now.toISOString(),
    pid: process.pid,
  });
  const top = bound.limit - bound.unseated;
  const taken = await takenSeats(store, pool);
  let chosen: number | undefined;
  for (let n = 0; chosen === undefined && n < top; n += 1) {
    if (!taken.has(n) && (await store.createExclusive(slotKey(pool, n), record(n)))) chosen = n;
  }
  if (chosen === undefined) return undefined;
  if (!(await store.createExclusive(stackKey(pool, h), record(chosen)))) {
    // The same stack is being placed by another process, which recorded its seat first: keep theirs, free ours.
    await store.remove(slotKey(pool, chosen));
    const winner = await heldSeat(store, pool, h);
    if (winner === undefined) throw new Error(`capacity seat of ${h.stack} in ${pool} vanished while claiming; rerun`);
    return winner;
  }
  if ((await takenSeats(store, pool)).size + bound.unseated > bound.limit) {
    await releaseSeat(store, pool, h);
    return undefined;
  }
  return chosen;
}

/** Frees the stack's seat in the pool (teardown, preview down, a refused placement). Idempotent. */
export async function releaseSeat(
  store: RecordStore,
  pool: string,
  h: Pick<SeatHolder, "project" | "stack">,
): Promise<void> {
  const mine = await store.readJson<Seat>(stackKey(pool, h));
  if (mine !== undefined) {
    if (same(await store.readJson<Seat>(slotKey(pool, mine.seat)), h)) await store.remove(slotKey(pool, mine.seat));
  } else {
    // A claim interrupted between its seat and its stack record leaves more seats than records: only then look for
    // a seat of this stack by its holder (previews and older tenants hold none, and cost two listings).
    const taken = await takenSeats(store, pool);
    if (taken.size > (await seatedStacks(store, pool)).size) {
      for (const n of taken)
        if (same(await store.readJson<Seat>(slotKey(pool, n)), h)) await store.remove(slotKey(pool, n));
    }
  }
  await store.remove(stackKey(pool, h));
}

/** Frees every seat of a stack being removed: the account's and its ALB's. */
export async function releaseStackSeats(
  store: RecordStore,
  h: Pick<SeatHolder, "project" | "stack"> & { env: string; loadBalancer: string },
): Promise<void> {
  await releaseSeat(store, albPool(h.env, h.loadBalancer), h);
  await releaseSeat(store, ACCOUNT_POOL, h);
}

/**
 * A claimed warm-pool slot's stack is renamed to the tenant's: its seat in `pool` goes with it (new records first,
 * then the old ones go, so an interruption leaves a seat counted twice, never lost; `capacity --reconcile` frees it).
 */
export async function moveSeat(store: RecordStore, pool: string, from: SeatHolder, to: SeatHolder): Promise<void> {
  const seat = await heldSeat(store, pool, from);
  if (seat === undefined) return;
  const record: Seat = {
    seat,
    project: to.project,
    stack: to.stack,
    slug: to.slug,
    claimedAt: new Date().toISOString(),
    pid: process.pid,
  };
  await store.writeJson(stackKey(pool, to), record);
  await store.writeJson(slotKey(pool, seat), record);
  await store.remove(stackKey(pool, from));
}
