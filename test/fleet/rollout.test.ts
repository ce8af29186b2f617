import { executeRollout, type RolloutDeps } from "../../cli/fleet/rollout";
import { createRollout, resume, type RolloutState } from "../../cli/fleet/rollout-state";
import { parseMaxFailures } from "../../cli/fleet/plan";
import type { WorkerResult } from "../../cli/fleet/worker-protocol";

const at = new Date("2026-11-24T00:00:00Z");
const waves = [["t01"], ["t02", "t03"], ["t04", "t05", "t06", "t07", "t08"]];

function planned(maxFailures = "0", health: "probe" | "none" = "none"): RolloutState {
  return createRollout({
    id: "r1",
    env: "dev",
    waves,
    pinned: [],
    owner: { host: "h", pid: 1 },
    at,
    options: {
      image: "r.example.com/app:2",
      waves: "1,25%,100%",
      maxFailures: parseMaxFailures(maxFailures),
      selectors: [],
      includePinned: false,
      health,
      healthUrl: undefined,
    },
  });
}

interface Fake {
  deps: RolloutDeps;
  started: string[];
  saved: RolloutState[];
  maxInFlight: () => number;
}

function fake(
  options: {
    failing?: string[];
    unhealthy?: string[];
    concurrency?: number;
    stopAfter?: number;
    pinned?: string[];
  } = {},
): Fake {
  const started: string[] = [];
  const saved: RolloutState[] = [];
  let inFlight = 0;
  let peak = 0;
  const deps: RolloutDeps = {
    upgrade: async (slug): Promise<WorkerResult> => {
      started.push(slug);
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      if (options.failing?.includes(slug))
        return { ok: false, error: `injected failure of ${slug}`, exitCode: 1, hint: null };
      return {
        ok: true,
        value: {
          kind: "upgrade",
          previousImage: "r.example.com/app:1",
          pinned: options.pinned?.includes(slug) ?? false,
          url: `https://${slug}.example.com`,
          changes: {},
        },
      };
    },
    health: async (slug) => (options.unhealthy?.includes(slug) ? "GET → 503" : undefined),
    save: async (state) => {
      saved.push(state);
    },
    log: () => undefined,
    now: () => at,
    concurrency: options.concurrency ?? 2,
    staggerMs: 0,
    stopRequested: () => options.stopAfter !== undefined && started.length >= options.stopAfter,
  };
  return { deps, started, saved, maxInFlight: () => peak };
}

describe("executing a rollout", () => {
  it("upgrades every wave in order and completes", async () => {
    const f = fake();
    const final = await executeRollout(planned(), f.deps);
    expect(final.status).toBe("completed");
    expect(f.started).toEqual(["t01", "t02", "t03", "t04", "t05", "t06", "t07", "t08"]);
    expect(f.saved[f.saved.length - 1]).toEqual(final);
  });

  it("never runs more than the concurrency at once", async () => {
    const f = fake({ concurrency: 2 });
    await executeRollout(planned(), f.deps);
    expect(f.maxInFlight()).toBe(2);
  });

  it("halts at the end of the wave where failures pass the limit and starts nothing after", async () => {
    const f = fake({ failing: ["t03"] });
    const final = await executeRollout(planned("0"), f.deps);
    expect(final.status).toBe("halted");
    expect(final.haltReason).toMatch(/after wave 2\/3: 1 failure\(s\), 0 allowed/);
    expect(f.started).not.toContain("t04");
    expect(final.tenants.t04?.status).toBe("pending");
    expect(final.tenants.t02?.status).toBe("upgraded");
  });

  it("keeps going while failures stay within the limit", async () => {
    const final = await executeRollout(planned("1"), fake({ failing: ["t03"] }).deps);
    expect(final.status).toBe("completed");
    expect(final.tenants.t03?.status).toBe("failed");
  });

  it("counts a failed health check as a failure and halts", async () => {
    const final = await executeRollout(planned("0", "probe"), fake({ unhealthy: ["t01"] }).deps);
    expect(final.status).toBe("halted");
    expect(final.tenants.t01).toMatchObject({ status: "unhealthy", error: "GET → 503" });
    expect(final.tenants.t02?.status).toBe("pending");
  });

  it("resumes a halted rollout where it stopped: only failed and pending tenants run", async () => {
    const halted = await executeRollout(planned("0"), fake({ failing: ["t03"] }).deps);
    const f = fake();
    const final = await executeRollout(resume(halted, { host: "h", pid: 2 }, at), f.deps);
    expect(final.status).toBe("completed");
    expect(f.started).toEqual(["t03", "t04", "t05", "t06", "t07", "t08"]);
    expect(final.tenants.t03?.attempts).toBe(2);
  });

  it("stops starting tenants when interrupted and records it for --resume", async () => {
    const f = fake({ stopAfter: 2, concurrency: 1 });
    const final = await executeRollout(planned(), f.deps);
    expect(final.status).toBe("interrupted");
    expect(f.started).toEqual(["t01", "t02"]);
    expect(final.tenants.t03?.status).toBe("pending");
  });

  it("records a tenant the worker found pinned as skipped, not upgraded", async () => {
    const final = await executeRollout(planned(), fake({ pinned: ["t05"] }).deps);
    expect(final.tenants.t05).toMatchObject({ status: "skipped", error: "pinned to r.example.com/app:1" });
    expect(final.status).toBe("completed");
  });
});
