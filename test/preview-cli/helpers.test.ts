/**
 * The small pure pieces of the preview commands: the display name cut, gc's exit code, the clock hook and the
 * keep-branches file.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { UsageError } from "../../cli/errors";
import type { Io } from "../../cli/io";
import { gcExitCode, type GcRemoval, type GcResult } from "../../cli/preview/gc";
import { checkedFormat, keepBranchesFrom, previewDisplayName, previewNow } from "../../cli/preview/input";
import { tempDir } from "../cli/support/memory-io";

function io(env: NodeJS.ProcessEnv): Io {
  const sink = new Writable({ write: (_c, _e, done) => done() });
  return {
    stdout: sink,
    stderr: sink,
    stdin: Readable.from([]),
    interactive: false,
    env,
    cwd: "/",
    onInterrupt: () => () => undefined,
    now: () => new Date("2030-06-01T12:00:00Z"),
  };
}

describe("previewDisplayName", () => {
  it("prefixes the branch and keeps short names whole", () => {
    expect(previewDisplayName("feature/login")).toBe("preview feature/login");
  });

  it("cuts long names at 100 UTF-16 units without splitting a surrogate pair", () => {
    const name = previewDisplayName(`${"a".repeat(91)}😀😀😀`);
    expect(name).toBe(`preview ${"a".repeat(91)}`);
    expect(previewDisplayName(`${"a".repeat(90)}😀😀`)).toBe(`preview ${"a".repeat(90)}😀`);
    expect(previewDisplayName(`${"a".repeat(90)}😀😀`)).toHaveLength(100);
  });
});

describe("gcExitCode", () => {
  const removal = (outcome: GcRemoval["outcome"]): GcRemoval => ({
    branch: "b",
    env: "dev",
    stack: "dev-b",
    reason: "expired",
    expiresAt: "2030-01-01T00:00:00Z",
    outcome,
    message: undefined,
  });
  const result = (...outcomes: GcRemoval["outcome"][]): GcResult => ({
    env: "dev",
    now: "",
    dryRun: false,
    previews: outcomes.length,
    removals: outcomes.map(removal),
    skipped: [],
  });

  it.each([
    [[], 0],
    [["destroyed", "already-gone"], 0],
    [["would-destroy"], 0],
    [["destroyed", "locked"], 4],
    [["locked", "failed", "destroyed"], 1],
  ] as [GcRemoval["outcome"][], number][])("%j → %i", (outcomes, code) => {
    expect(gcExitCode(result(...outcomes))).toBe(code);
  });
});

describe("previewNow (the TENANTCTL_NOW test hook)", () => {
  it("uses the Io clock when unset or empty", async () => {
    expect((await previewNow(io({}))).toISOString()).toBe("2030-06-01T12:00:00.000Z");
    expect((await previewNow(io({ TENANTCTL_NOW: "" }))).toISOString()).toBe("2030-06-01T12:00:00.000Z");
  });

  it("takes an ISO time with a zone and refuses anything else as a usage error", async () => {
    expect((await previewNow(io({ TENANTCTL_NOW: "2031-01-01T00:00:00+02:00" }))).toISOString()).toBe(
      "2030-12-31T22:00:00.000Z",
    );
    await expect(previewNow(io({ TENANTCTL_NOW: "2031-01-01" }))).rejects.toBeInstanceOf(UsageError);
  });
});

describe("keepBranchesFrom and checkedFormat", () => {
  it("reads one branch per line, trimming blanks and CRLF", async () => {
    const dir = tempDir("tenantctl-keep-");
    writeFileSync(join(dir, "b.txt"), "main\r\n feature/x \n\nmain\n");
    expect(await keepBranchesFrom("b.txt", dir)).toEqual(["main", "feature/x"]);
    expect(await keepBranchesFrom(undefined, dir)).toBeUndefined();
  });

  it("refuses --json with --format markdown but allows each alone", () => {
    expect(checkedFormat(undefined, true)).toBe("text");
    expect(checkedFormat("markdown", false)).toBe("markdown");
    expect(() => checkedFormat("markdown", true)).toThrow(UsageError);
  });
});
