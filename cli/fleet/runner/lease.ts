/**
 * Leases on tenants of a distributed rollout, as pure logic (the store side is lease-store.ts).
 *
 * A tenant's claims are numbered generations, `leases/<slug>/<n>.json`. Claiming = creating generation n+1 with the
 * store's atomic create (a hard link on file backends, a PUT with `If-None-Match: *` on S3): of any number of runners
 * that saw generation n as free, exactly one creates n+1. Only the holder ever writes its generation afterwards: it
 * renews by rewriting it with `beat` + 1 and releases it by rewriting it with `released`. No compare-and-swap is
 * needed, so every store with an atomic create will do.
 *
 * Expiry is judged by the OBSERVER's own monotonic clock, never by comparing timestamps written on another machine:
 * a runner remembers when it first saw a generation at a given `beat`, and the lease has expired once that beat has
 * stayed unchanged for the lease's `ttlMs` plus a margin. The holder renews every ttl/4, so expiry means it missed
 * about four renewals in a row. Clock offsets between machines do not matter at all (no cross-host comparison); only
 * the clocks' rates do, and those differ by parts per million. The price: a runner that starts after the holder died
 * waits one full lease before taking over, because it has no earlier observation.
 */

export interface LeaseRecord {
  readonly slug: string;
  readonly generation: number;
  /** The rollout epoch (0, then +1 per --resume) the claim was made in; its outcome is recorded in that epoch. */
  readonly epoch: number;
  readonly runner: string;
  readonly host: string;
  readonly pid: number;
  /** Holder's clock, for people and for matching a stack lock written on the holder's host (same clock). */
  readonly acquiredAt: string;
  readonly heartbeatAt: string;
  /** Incremented by every renewal; the observers' expiry is based on it. */
  readonly beat: number;
  readonly ttlMs: number;
  /** A takeover names the generation it replaced. */
  readonly tookOver?: number;
  readonly released?: { readonly at: string; readonly reason: string };
}

/** A lease whose beat stayed unchanged this much longer than its ttl is expired (at least 1 s). */
export function expiryMargin(ttlMs: number): number {
  return Math.max(1000, Math.floor(ttlMs / 4));
}

/** How often a holder renews its leases. */
export function renewEvery(ttlMs: number): number {
  return Math.max(100, Math.floor(ttlMs / 4));
}

export type LeaseVerdict =
  | { readonly kind: "free" }
  | { readonly kind: "held"; readonly by: string; readonly expiresInMs: number }
  | { readonly kind: "expired"; readonly by: string; readonly silentMs: number };

/**
 * Remembers when each (tenant, generation, beat) was first seen, on this process's monotonic clock. One per runner.
 */
export class LeaseObserver {
  private readonly seen = new Map<string, { generation: number; beat: number; since: number }>();

  constructor(private readonly clock: () => number = () => performance.now()) {}

  /** What the newest generation of a tenant means for a runner that wants to claim it. */
  verdict(latest: LeaseRecord | undefined): LeaseVerdict {
    if (latest === undefined || latest.released !== undefined) return { kind: "free" };
    const now = this.clock();
    const last = this.seen.get(latest.slug);
    if (last === undefined || last.generation !== latest.generation || last.beat !== latest.beat) {
      this.seen.set(latest.slug, { generation: latest.generation, beat: latest.beat, since: now });
      return { kind: "held", by: latest.runner, expiresInMs: latest.ttlMs + expiryMargin(latest.ttlMs) };
    }
    const silentMs = now - last.since;
    const limit = latest.ttlMs + expiryMargin(latest.ttlMs);
    return silentMs >= limit
      ? { kind: "expired", by: latest.runner, silentMs }
      : { kind: "held", by: latest.runner, expiresInMs: limit - silentMs };
  }

  forget(slug: string): void {
    this.seen.delete(slug);
  }
}

/** Generation file name: zero-padded so names sort in generation order. */
export function generationName(generation: number): string {
  return `${String(generation).padStart(8, "0")}.json`;
}

export function parseGenerationName(name: string): number | undefined {
  const match = /^(\d{8})\.json$/.exec(name);
  return match === null ? undefined : Number(match[1]);
}

export function newLease(input: {
  slug: string;
  generation: number;
  epoch: number;
  runner: string;
  host: string;
  pid: number;
  ttlMs: number;
  at: Date;
  tookOver?: number;
}): LeaseRecord {
  const at = input.at.toISOString();
  return {
    slug: input.slug,
    generation: input.generation,
    epoch: input.epoch,
    runner: input.runner,
    host: input.host,
    pid: input.pid,
    acquiredAt: at,
    heartbeatAt: at,
    beat: 0,
    ttlMs: input.ttlMs,
    ...(input.tookOver === undefined ? {} : { tookOver: input.tookOver }),
  };
}

export function renewed(lease: LeaseRecord, at: Date): LeaseRecord {
  return { ...lease, beat: lease.beat + 1, heartbeatAt: at.toISOString() };
}

export function released(lease: LeaseRecord, reason: string, at: Date): LeaseRecord {
  return { ...lease, beat: lease.beat + 1, heartbeatAt: at.toISOString(), released: { at: at.toISOString(), reason } };
}

/**
 * Whether a stack lock found on a taken-over tenant is the one the dead holder's worker took: written on the holder's
 * host (its `hostname`), at or after the lease was acquired and no later than its last heartbeat plus the ttl (both
 * timestamps come from that host's clock, so the comparison is skew-free). A lock that fails any test belongs to
 * someone else (an operator's `update tenant`, another tool) and is left alone.
 */
export function lockHeldByLease(lock: { hostname?: string; timestamp?: string }, lease: LeaseRecord): boolean {
  if (lock.hostname !== lease.host || lock.timestamp === undefined) return false;
  const at = Date.parse(lock.timestamp);
  if (Number.isNaN(at)) return false;
  // 1 s of slack below: a lock timestamp may be written at a coarser precision than ours.
  return at >= Date.parse(lease.acquiredAt) - 1000 && at <= Date.parse(lease.heartbeatAt) + lease.ttlMs;
}
