/**
 * cli/orchestration/sdk-promise-stacks.ts: after tenantctl's SDK door, the SDK's `debuggablePromise` no longer formats
 * a stack trace per promise, and everything else it does is unchanged; with PULUMI_DEBUG_PROMISE_LEAKS it is left
 * alone. Each check runs in a child node process on the built dist/, because jest's own module loader does not go
 * through Node's `Module._load`.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./support/e2e";

const DOOR = join(ROOT, "dist", "cli", "orchestration", "pulumi-sdk.js");
const DEBUGGABLE = join(ROOT, "node_modules", "@pulumi", "pulumi", "runtime", "debuggable.js");
const SDK_DIR = join(ROOT, "node_modules", "@pulumi", "pulumi");

interface Report {
  readonly lightened: boolean;
  readonly stack: string;
  readonly limitAfter: number;
  readonly value: unknown;
  readonly rejectedWithPromise: boolean;
  readonly leaked: number;
}

/** Loads the SDK through the door, then makes one resolved, one rejected and one pending debuggable promise. */
function report(env: NodeJS.ProcessEnv = {}): Report {
  const code = `
    require(${JSON.stringify(DOOR)}).beforeSdkLoad();
    require(${JSON.stringify(SDK_DIR)});
    const debuggable = require(${JSON.stringify(DEBUGGABLE)});
    const resolved = Promise.resolve(42);
    const wrapped = debuggable.debuggablePromise(resolved, "resolved");
    const limitAfter = Error.stackTraceLimit;
    const failing = Promise.reject(new Error("boom"));
    debuggable.debuggablePromise(new Promise(() => {}), "pending");
    (async () => {
      const value = await wrapped;
      const error = await debuggable.debuggablePromise(failing, "rejected").catch((e) => e);
      const [leaks] = debuggable.leakedPromises();
      process.stdout.write(JSON.stringify({
        lightened: debuggable.debuggablePromise.name === "debuggablePromise" && !debuggable.debuggablePromise.toString().includes("leakDetectorScheduled"),
        stack: resolved._debugStackTrace,
        limitAfter,
        value,
        rejectedWithPromise: error.promise === failing,
        leaked: leaks.size,
      }));
      process.exit(0);
    })();
  `;
  const res = spawnSync(process.execPath, ["-e", code], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, ...env },
  });
  if (res.status !== 0) throw new Error(`child exited ${String(res.status)}: ${res.stderr}`);
  return JSON.parse(res.stdout) as Report;
}

describe("the SDK's promise stacks", () => {
  it("are not captured after the door, and the promises behave as before (value, rejection, leak bookkeeping)", () => {
    expect(report()).toEqual({
      lightened: true,
      stack: "Error",
      limitAfter: 10,
      value: 42,
      rejectedWithPromise: true,
      leaked: 1,
    });
  });

  it("are captured as the SDK does when PULUMI_DEBUG_PROMISE_LEAKS asks for them", () => {
    const r = report({ PULUMI_DEBUG_PROMISE_LEAKS: "1" });
    expect(r.lightened).toBe(false);
    expect(r.stack).toMatch(/^Error\n {4}at /);
    expect(r).toMatchObject({ limitAfter: 10, value: 42, rejectedWithPromise: true, leaked: 1 });
  });
});
