import { join } from "node:path";
import { runIsolated } from "../../cli/fleet/isolated-runner";
import type { Io } from "../../cli/io";

const workerPath = join(__dirname, "support", "fake-worker.js");
const request = { kind: "drift", env: "dev", slug: "acme", secretsProvider: undefined, retry: "tenantctl drift tenants" } as const;

function io(mode: string): Io {
  return {
    stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, interactive: false,
    env: { PATH: process.env.PATH, FAKE_WORKER_MODE: mode }, cwd: __dirname,
    onInterrupt: () => () => undefined, now: () => new Date(),
  };
}

describe("isolated runner", () => {
  it("returns the worker's result and forwards its stderr lines", async () => {
    const lines: string[] = [];
    const result = await runIsolated(request, { io: io("reply"), workerPath, onLine: (l) => lines.push(l) });
    expect(result).toEqual({ ok: true, value: { kind: "drift", drifted: [], changes: { same: 3 } } });
    expect(lines).toContain("fake worker got drift of acme");
  });

  it("turns a worker killed by an unhandled rejection into that tenant's failure, with the error", async () => {
    const result = await runIsolated(request, { io: io("reject"), workerPath });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/drift worker for acme died \(exit code 1\) before reporting a result.*unhandled error in acme/);
  });

  it("keeps the result of a worker that lingers after reporting, and stops it", async () => {
    const result = await runIsolated(request, { io: io("linger"), workerPath });
    expect(result).toMatchObject({ ok: true });
  });
});
