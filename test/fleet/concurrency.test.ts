import fc from "fast-check";
import { boundedEach, LatestWriter } from "../../cli/fleet/concurrency";

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("boundedEach", () => {
  it("visits every item once with at most `limit` in flight (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 8 }), async (n, limit) => {
        const seen: number[] = [];
        let inFlight = 0;
        let peak = 0;
        await boundedEach(
          Array.from({ length: n }, (_, i) => i),
          limit,
          async (i) => {
            inFlight += 1;
            peak = Math.max(peak, inFlight);
            await tick();
            seen.push(i);
            inFlight -= 1;
          },
        );
        expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
        expect(peak).toBeLessThanOrEqual(limit);
      }),
      { numRuns: 30 },
    );
  });

  it("starts nothing once shouldStart says no", async () => {
    const started: number[] = [];
    await boundedEach(
      [1, 2, 3, 4, 5],
      2,
      async (i) => {
        started.push(i);
        await tick();
      },
      () => started.length < 3,
    );
    expect(started).toEqual([1, 2, 3]);
  });

  it("spreads the lanes' first starts by staggerMs: until then only the first lane runs", async () => {
    const waits: number[] = [];
    const started: number[] = [];
    let inFlight = 0;
    let peak = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const sleep = async (ms: number): Promise<void> => {
      waits.push(ms);
      await gate;
    };
    const run = boundedEach(
      [1, 2, 3, 4, 5, 6],
      3,
      async (i) => {
        started.push(i);
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await tick();
        inFlight -= 1;
      },
      () => true,
      { staggerMs: 250, sleep },
    );
    for (let i = 0; i < 4; i += 1) await tick();
    // Lanes 1 and 2 wait 250 and 500 ms (once, before their first item); lane 0 works alone meanwhile.
    expect(waits).toEqual([250, 500]);
    expect(started.length).toBeGreaterThan(0);
    expect(peak).toBe(1);
    release();
    await run;
    expect(waits).toEqual([250, 500]);
    expect([...started].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("starts every lane at once without a stagger", async () => {
    const sleep = jest.fn(async () => undefined);
    await boundedEach(
      [1, 2, 3],
      3,
      async () => tick(),
      () => true,
      { staggerMs: 0, sleep },
    );
    expect(sleep).not.toHaveBeenCalled();
  });
});

describe("LatestWriter", () => {
  it("never lets an older value land after a newer one, and writes the newest last", async () => {
    const written: number[] = [];
    const writer = new LatestWriter<number>(async (v) => {
      await tick();
      written.push(v);
    });
    for (let i = 1; i <= 50; i += 1) {
      writer.request(i);
      if (i % 7 === 0) await tick();
    }
    await writer.flush();
    expect(written[written.length - 1]).toBe(50);
    expect([...written].sort((a, b) => a - b)).toEqual(written);
    expect(written.length).toBeLessThan(50);
  });

  it("reports a failed write on flush", async () => {
    const writer = new LatestWriter<number>(async () => {
      throw new Error("disk full");
    });
    writer.request(1);
    await expect(writer.flush()).rejects.toThrow("disk full");
  });
});
