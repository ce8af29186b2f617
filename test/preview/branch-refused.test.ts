/**
 * Issue 12, item 9, through the CLI: branch names git refuses exit 2 with one line naming the rule, before any backend
 * or `pulumi` is touched (test/cli/support/refused-cleanly.ts), for `preview up` and `preview down` alike.
 */
import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { expectRefusedCleanly } from "../cli/support/refused-cleanly";
import { STANDIN_BIN } from "../support/standin-harness";

const REPO = join(__dirname, "..", "..");

const rules: [string, RegExp][] = [
  [
    "a..b",
    /^error: branch: "a\.\.b" contains "\.\.", which git refuses in a branch name \(allowed: a name `git check-ref-format --branch` accepts, of 1-255 characters\)$/m,
  ],
  ["foo bar", /branch: "foo bar" contains " " \(git refuses space/],
  ["x.lock", /branch: "x\.lock" has a "\/"-separated part ending in "\.lock"/],
  ["-x", /branch: "-x" starts with "-"/],
  ["--yes", /branch: "--yes" starts with "-"/],
  ["HEAD", /branch: "HEAD" is "HEAD"/],
  ["feature/.hidden", /starting with "\."/],
  ["fix/", /starts or ends with "\/"/],
  ["a@{1}", /contains "@\{"/],
  ["release.", /ends with "\."/],
  ["what?", /contains "\?"/],
  ["a\\b", /contains "\\\\"/],
];

describe.each(rules)("--branch %j", (branch, message) => {
  it("preview up: exit 2, one line, nothing created", async () => {
    await expectRefusedCleanly({ argv: ["preview", "up", "--branch", branch], expect: message });
  });
  it("preview up --json: exit 2, the error document", async () => {
    await expectRefusedCleanly({ argv: ["preview", "up", "--json", `--branch=${branch}`], expect: message });
  });
  it("preview down --yes: exit 2, one line, nothing destroyed", async () => {
    await expectRefusedCleanly({ argv: ["preview", "down", "--branch", branch, "--yes"], expect: message });
  });
});

describe("through the built binary, with a `pulumi` on PATH that records every call", () => {
  it.each([["-x"], ["--stack=prod-acme"], ["a..b"]])(
    "preview up --branch %j exits 2 before any pulumi command runs",
    async (branch) => {
      const dir = mkdtempSync(join(tmpdir(), "tenantctl-branch-"));
      const bin = join(dir, "bin");
      mkdirSync(bin);
      const log = join(dir, "pulumi-calls.log");
      // Records the call, then hands it to the stand-in, which fails like cobra on a value read as a flag.
      writeFileSync(
        join(bin, "pulumi"),
        `#!/usr/bin/env bash\nprintf '%s\\n' "$*" >> "${log}"\nexec "${join(STANDIN_BIN, "pulumi")}" "$@"\n`,
      );
      chmodSync(join(bin, "pulumi"), 0o755);
      const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [join(REPO, "bin", "tenantctl.js"), "preview", "up", "--branch", branch],
          {
            cwd: dir,
            env: {
              PATH: `${bin}${delimiter}${process.env.PATH ?? ""}`,
              HOME: dir,
              PULUMI_BACKEND_URL: `file://${join(dir, "state")}`,
              PULUMI_CONFIG_PASSPHRASE: "x",
              TENANTCTL_HOME: join(dir, "home"),
              CI: "1",
            },
          },
          (error, stdout, stderr) =>
            resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr }),
        );
      });
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split("\n")).toEqual([
        expect.stringMatching(/^error: branch: .*which git refuses in a branch name/),
      ]);
      expect(existsSync(log)).toBe(false);
      expect(readdirSync(dir).sort()).toEqual(["bin"]);
      rmSync(dir, { recursive: true, force: true });
    },
  );
});
