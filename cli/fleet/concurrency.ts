/**
 * Two small concurrency tools the fleet commands share: a bounded "for each" that can stop launching work, and a
 * saver that writes the latest version of a record without ever letting an older write land after a newer one.
 */

/** How lanes start: lane i waits i × `staggerMs` before its first item (0: all at once). */
export interface LaneOptions {
  readonly staggerMs?: number;
  /** Overrides the timer (tests). */
  readonly sleep?: (ms: number) => Promise<void>;
}

const sleepFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn` over `items` with at most `limit` in flight, in order. Before each start `shouldStart()` is asked; once
 * it says no, nothing new starts and the call resolves when the work in flight is done. `fn` must not throw.
 * With `staggerMs` the lanes' first starts are spread out: lanes that start together stay in step, so every round
 * would hit the AWS APIs, the backend and this machine's CPU at the same instants; a one-time spread of
 * (limit − 1) × staggerMs keeps them apart for the rest of the run.
 * The fleet's worker pool (worker-pool.ts) bounds processes, not work: rollouts use this to decide when a
 * tenant starts (and is recorded `running`) and when to stop starting, health checks and `list --refresh` to bound
 * work that needs no worker.
 */
export async function boundedEach<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
  shouldStart: () => boolean = () => true,
  options: LaneOptions = {},
): Promise<void> {
  let next = 0;
  const stagger = options.staggerMs ?? 0;
  const sleep = options.sleep ?? sleepFor;
  const lane = async (_: unknown, index: number): Promise<void> => {
    if (index > 0 && stagger > 0) await sleep(index * stagger);
    while (next < items.length && shouldStart()) {
      const item = items[next] as T;
      next += 1;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
}

/**
 * Coalescing writer: `request(value)` schedules a write of the newest value; writes never overlap, and a burst of
 * requests while one write is in flight turns into a single follow-up write. `flush()` waits for the last one.
 */
export class LatestWriter<T> {
  private pending: T | undefined;
  private running: Promise<void> | undefined;
  private failure: unknown;

  constructor(private readonly write: (value: T) => Promise<void>) {}

  request(value: T): void {
    this.pending = value;
    this.running ??= this.drain();
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending !== undefined) {
        const value = this.pending;
        this.pending = undefined;
        await this.write(value);
      }
    } catch (error: unknown) {
      this.failure = error;
    } finally {
      this.running = undefined;
    }
  }

  /** Resolves once everything requested so far is written; rethrows a failed write. */
  async flush(): Promise<void> {
    while (this.running !== undefined) await this.running;
    if (this.failure !== undefined) throw this.failure;
  }
}
