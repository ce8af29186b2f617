/**
 * The worker pool against a fake worker (support/fake-worker.js, which speaks the pool's protocol and does what the
 * slug's first word says): result contract, stderr forwarding per operation, reuse, retirement and replacement,
 * the process limit, the time-out and the clean-up.
 */
import { join } from "node:path";
import { WorkerPool, type PoolEvent, type WorkerPoolOptions } from "../../cli/fleet/worker-pool";
import type { Io } from "../../cli/io";
import type { DriftRequest } from "../../cli/fleet/worker-protocol";

jest.setTimeout(60_000);

const workerPath = join(__dirname, "support", "fake-worker.js");
const request = (slug: string): DriftRequest => ({
  kind: "drift",
  env: "dev",
  slug,
  secretsProvider: undefined,
  retry: "tenantctl drift tenants",
});

const io: Io = {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  interactive: false,
  env: { PATH: process.env.PATH },
  cwd: __dirname,
  onInterrupt: () => () => undefined,
  now: () => new Date(),
};

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A pool whose events are recorded; `pidOf(slug)` is the worker that ran it. */
function pool(options: Partial<WorkerPoolOptions> = {}): {
  pool: WorkerPool;
  events: PoolEvent[];
  pidOf: (slug: string) => number | undefined;
  pids: () => number[];
} {
  const events: PoolEvent[] = [];
  const p = new WorkerPool({ io, size: 1, workerPath, exitGraceMs: 500, ...options, onEvent: (e) => events.push(e) });
  return {
    pool: p,
    events,
    pidOf: (slug) => events.find((e) => e.kind === "assigned" && e.slug === slug)?.pid,
    pids: () => [...new Set(events.filter((e) => e.kind === "started").map((e) => e.pid))],
  };
}

describe("worker pool", () => {
  it("returns each worker's result, hands each operation its own stderr lines, and reuses the worker", async () => {
    const { pool: p, pidOf, pids } = pool();
    const lines: Record<string, string[]> = { "reply-a": [], "reply-b": [] };
    const a = await p.run(request("reply-a"), { onLine: (l) => lines["reply-a"]?.push(l) });
    const b = await p.run(request("reply-b"), { onLine: (l) => lines["reply-b"]?.push(l) });
    await p.close();
    expect(a).toEqual({ ok: true, value: { kind: "drift", drifted: [], changes: { same: 3 } } });
    expect(b).toEqual(a);
    expect(pidOf("reply-a")).toBe(pidOf("reply-b"));
    expect(pids()).toHaveLength(1);
    expect(lines["reply-a"]).toEqual([
      `fake worker ${pidOf("reply-a") ?? 0} got drift of reply-a`,
      "progress of reply-a",
    ]);
    expect(lines["reply-b"]).toEqual([
      `fake worker ${pidOf("reply-b") ?? 0} got drift of reply-b`,
      "progress of reply-b",
    ]);
  });

  it("never reuses a worker whose operation failed: the next operation gets a new process", async () => {
    const { pool: p, pidOf, events } = pool();
    const failed = await p.run(request("fail-x"));
    const next = await p.run(request("reply-y"));
    await p.close();
    expect(failed).toEqual({ ok: false, error: "failed fail-x", exitCode: 1, hint: null });
    expect(next.ok).toBe(true);
    expect(pidOf("reply-y")).not.toBe(pidOf("fail-x"));
    expect(events).toContainEqual({ kind: "retired", pid: pidOf("fail-x"), reason: "its operation failed" });
  });

  it("turns a worker killed by an unhandled rejection into that tenant's failure, and replaces the worker", async () => {
    const { pool: p, pidOf } = pool();
    const result = await p.run(request("reject-acme"));
    const next = await p.run(request("reply-b"));
    await p.close();
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(
      /drift worker for reject-acme died \(exit code 1\) before reporting a result.*unhandled error in reject-acme/,
    );
    expect(next.ok).toBe(true);
    expect(pidOf("reply-b")).not.toBe(pidOf("reject-acme"));
  });

  it("retires a worker that reported a fault during its operation, and one that faulted while idle, without failing anyone else", async () => {
    const { pool: p, pidOf, events } = pool();
    const faulted = await p.run(request("faulted-a"));
    const late = await p.run(request("idlefault-b"));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const next = await p.run(request("reply-c"));
    await p.close();
    expect(faulted.ok).toBe(false);
    expect(late.ok).toBe(true);
    expect(next.ok).toBe(true);
    const distinct = new Set([pidOf("faulted-a"), pidOf("idlefault-b"), pidOf("reply-c")]);
    expect(distinct.size).toBe(3);
    expect(events).toContainEqual(
      expect.objectContaining({
        kind: "retired",
        pid: pidOf("faulted-a"),
        reason: expect.stringContaining("unhandled rejection"),
      }),
    );
  });

  it("runs an operation elsewhere when the worker it was sent to reports an idle fault instead of starting it", async () => {
    const { pool: p, events } = pool();
    expect((await p.run(request("doomed-a"))).ok).toBe(true);
    const next = await p.run(request("reply-b"));
    await p.close();
    expect(next.ok).toBe(true);
    const assigned = events.filter((e) => e.kind === "assigned" && e.slug === "reply-b").map((e) => e.pid);
    const doomedPid = events.find((e) => e.kind === "assigned" && e.slug === "doomed-a")?.pid;
    expect(assigned).toHaveLength(2);
    expect(assigned[0]).toBe(doomedPid);
    expect(assigned[1]).not.toBe(doomedPid);
    expect(events).toContainEqual(
      expect.objectContaining({
        kind: "retired",
        pid: doomedPid,
        reason: expect.stringContaining("reply-b goes to another worker"),
      }),
    );
  });

  it("retires a worker after its maximum number of operations", async () => {
    const { pool: p, pidOf, events } = pool({ maxOperationsPerWorker: 2 });
    for (const slug of ["reply-1", "reply-2", "reply-3"]) expect((await p.run(request(slug))).ok).toBe(true);
    await p.close();
    expect(pidOf("reply-1")).toBe(pidOf("reply-2"));
    expect(pidOf("reply-3")).not.toBe(pidOf("reply-1"));
    expect(events).toContainEqual({ kind: "retired", pid: pidOf("reply-2"), reason: "it ran 2 operations" });
  });

  it("keeps a result that came without the end of its output, and retires that worker", async () => {
    const { pool: p, pidOf, events } = pool();
    const result = await p.run(request("nomarker-a"));
    await p.close();
    expect(result.ok).toBe(true);
    expect(events).toContainEqual({
      kind: "retired",
      pid: pidOf("nomarker-a"),
      reason: "its output did not end after its result",
    });
  });

  it("fails an operation that runs past its time-out: SIGINT, then SIGKILL after the grace period", async () => {
    const { pool: p, pidOf } = pool({ operationTimeoutMs: 300 });
    const lines: string[] = [];
    const result = await p.run(request("hang-a"), { onLine: (l) => lines.push(l) });
    const pid = pidOf("hang-a") ?? 0;
    await p.close();
    expect(result).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^the drift of hang-a timed out after 0\.3s/),
    });
    expect(lines).toContain("cancel requested for hang-a");
    expect(alive(pid)).toBe(false);
  });

  it("never has more processes than its size, runs every operation, and leaves no process behind", async () => {
    const { pool: p, events, pids } = pool({ size: 3 });
    const slugs = Array.from({ length: 12 }, (_, i) => (i % 4 === 3 ? `fail-${i}` : `reply-${i}`));
    const results = await Promise.all(slugs.map((s) => p.run(request(s))));
    const stats = p.stats();
    await p.close();
    expect(results.map((r) => r.ok)).toEqual(slugs.map((s) => s.startsWith("reply")));
    let live = 0;
    let peak = 0;
    for (const e of events) {
      if (e.kind === "started") live += 1;
      if (e.kind === "exited") live -= 1;
      peak = Math.max(peak, live);
    }
    expect(peak).toBeLessThanOrEqual(3);
    expect(stats.peakLive).toBeLessThanOrEqual(3);
    expect(live).toBe(0);
    expect(p.stats().live).toBe(0);
    for (const pid of pids()) expect(alive(pid)).toBe(false);
  });

  it("kills a worker that does not exit when released, after the grace period", async () => {
    const { pool: p, pidOf, events } = pool();
    expect((await p.run(request("stubborn-a"))).ok).toBe(true);
    await p.close();
    expect(alive(pidOf("stubborn-a") ?? 0)).toBe(false);
    expect(events).toContainEqual({ kind: "exited", pid: pidOf("stubborn-a"), how: "signal SIGKILL" });
  });

  it("refuses work once closed", async () => {
    const { pool: p } = pool();
    await p.close();
    expect(await p.run(request("reply-a"))).toMatchObject({ ok: false, error: expect.stringContaining("closed") });
  });
});
