/** Lease expiry by the observer's own clock, and which stack lock a dead holder's lease owns (cli/fleet/runner/lease.ts). */
import {
  expiryMargin,
  generationName,
  LeaseObserver,
  lockHeldByLease,
  newLease,
  parseGenerationName,
  released,
  renewed,
} from "../../../cli/fleet/runner/lease";

const at = new Date("2026-12-03T10:00:00.000Z");
const lease = newLease({
  slug: "acme",
  generation: 3,
  epoch: 0,
  runner: "r1",
  host: "host-a",
  pid: 42,
  ttlMs: 10_000,
  at,
});

describe("LeaseObserver", () => {
  it("calls a missing or released lease free", () => {
    const o = new LeaseObserver(() => 0);
    expect(o.verdict(undefined)).toEqual({ kind: "free" });
    expect(o.verdict(released(lease, "finished", at))).toEqual({ kind: "free" });
  });

  it("expires a lease only after its beat stayed unchanged for ttl + margin on the observer's clock", () => {
    let now = 1_000_000;
    const o = new LeaseObserver(() => now);
    expect(o.verdict(lease).kind).toBe("held");
    now += 10_000 + expiryMargin(10_000) - 1;
    expect(o.verdict(lease).kind).toBe("held");
    now += 1;
    expect(o.verdict(lease)).toMatchObject({ kind: "expired", by: "r1" });
  });

  it("restarts the wait when the holder renews, whatever timestamps the holder's clock wrote", () => {
    let now = 0;
    const o = new LeaseObserver(() => now);
    o.verdict(lease);
    now += 12_000;
    // The holder's clock is a day behind: irrelevant, only the beat counts.
    const renewal = renewed(
      { ...lease, heartbeatAt: "2026-12-02T10:00:00.000Z" },
      new Date("2026-12-02T10:00:03.000Z"),
    );
    expect(o.verdict(renewal).kind).toBe("held");
    now += 12_000;
    expect(o.verdict(renewal).kind).toBe("held");
    now += 1_000;
    expect(o.verdict(renewal).kind).toBe("expired");
  });

  it("never expires a lease it saw for the first time, even one with an ancient heartbeat", () => {
    const o = new LeaseObserver(() => 5);
    expect(o.verdict({ ...lease, heartbeatAt: "2000-01-01T00:00:00.000Z" }).kind).toBe("held");
  });

  it("treats a new generation as a new lease", () => {
    let now = 0;
    const o = new LeaseObserver(() => now);
    o.verdict(lease);
    now += 20_000;
    expect(o.verdict({ ...lease, generation: 4 }).kind).toBe("held");
  });
});

describe("generation names", () => {
  it("sort in generation order and parse back", () => {
    const names = [10, 9, 100, 0].map(generationName).sort();
    expect(names.map(parseGenerationName)).toEqual([0, 9, 10, 100]);
    expect(parseGenerationName("00000001.json.tmp")).toBeUndefined();
  });
});

describe("lockHeldByLease", () => {
  const held = renewed(lease, new Date("2026-12-03T10:00:20.000Z"));
  it("matches a lock written on the holder's host during its lease", () => {
    expect(lockHeldByLease({ hostname: "host-a", timestamp: "2026-12-03T10:00:05.000Z" }, held)).toBe(true);
    expect(lockHeldByLease({ hostname: "host-a", timestamp: "2026-12-03T10:00:29.000Z" }, held)).toBe(true);
  });
  it("leaves alone locks from another host, from before the lease, long after it, or without a time", () => {
    expect(lockHeldByLease({ hostname: "host-b", timestamp: "2026-12-03T10:00:05.000Z" }, held)).toBe(false);
    expect(lockHeldByLease({ hostname: "host-a", timestamp: "2026-12-03T09:59:58.000Z" }, held)).toBe(false);
    expect(lockHeldByLease({ hostname: "host-a", timestamp: "2026-12-03T10:00:31.000Z" }, held)).toBe(false);
    expect(lockHeldByLease({ hostname: "host-a" }, held)).toBe(false);
    expect(lockHeldByLease({ hostname: "host-a", timestamp: "yesterday" }, held)).toBe(false);
  });
});
