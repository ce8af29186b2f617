import fc from "fast-check";
import { boundedEach, LatestWriter } from "../../cli/fleet/concurrency";

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("boundedEach", () => {
  it("visits every item once with at most `limit` in flight (property)", async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 8 }), async (n, limit) => {
      const seen: number[] = [];
      let inFlight = 0;
      let peak = 0;
      await boundedEach(Array.from({ length: n }, (_, i) => i), limit, async (i) => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await tick();
        seen.push(i);
        inFlight -= 1;
      });
      expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(peak).toBeLessThanOrEqual(limit);
    }), { numRuns: 30 });
  });

  it("starts nothing once shouldStart says no", async () => {
    const started: number[] = [];
    await boundedEach([1, 2, 3, 4, 5], 2, async (i) => {
      started.push(i);
      await tick();
    }, () => started.length < 3);
    expect(started).toEqual([1, 2, 3]);
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
