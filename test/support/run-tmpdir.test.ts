import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, statfsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parentFolder, setupRunTmpdir, teardownRunTmpdir } = require("./run-tmpdir") as {
  parentFolder(env: NodeJS.ProcessEnv): string | undefined;
  setupRunTmpdir(env: NodeJS.ProcessEnv): string | undefined;
  teardownRunTmpdir(env: NodeJS.ProcessEnv): void;
};

describe("the run's temp folder (jest globalSetup)", () => {
  it("is off when asked, and keeps a TMPDIR the caller set", () => {
    expect(parentFolder({ TENANTCTL_TEST_TMPDIR: "off" })).toBeUndefined();
    expect(parentFolder({ TMPDIR: "/somewhere" })).toBeUndefined();
    expect(parentFolder({ TMPDIR: "/somewhere", TENANTCTL_TEST_TMPDIR: "/given" })).toBe("/given");
  });

  it("uses /dev/shm only where it exists with room", () => {
    const roomy = existsSync("/dev/shm") && ((fs) => fs.bavail * fs.bsize >= 4 * 1024 ** 3)(statfsSync("/dev/shm"));
    expect(parentFolder({})).toBe(roomy ? "/dev/shm" : undefined);
  });

  it("makes a folder under the parent, points TMPDIR at it, and removes it with what was left in it", () => {
    const parent = mkdtempSync(join(tmpdir(), "run-tmpdir-test-"));
    try {
      const env: NodeJS.ProcessEnv = { TENANTCTL_TEST_TMPDIR: parent };
      const dir = setupRunTmpdir(env);
      expect(dir).toBeDefined();
      expect(env.TMPDIR).toBe(dir);
      expect(statSync(dir as string).mode & 0o7777).toBe(0o1777);
      expect(readdirSync(parent)).toHaveLength(1);
      writeFileSync(join(dir as string, "left-behind"), "x");
      teardownRunTmpdir(env);
      expect(readdirSync(parent)).toEqual([]);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it("leaves everything alone when it made no folder", () => {
    const env: NodeJS.ProcessEnv = { TENANTCTL_TEST_TMPDIR: "off" };
    expect(setupRunTmpdir(env)).toBeUndefined();
    expect(env.TMPDIR).toBeUndefined();
    expect(() => teardownRunTmpdir(env)).not.toThrow();
  });
});
