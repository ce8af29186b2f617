/**
 * Issue 12, item 9, through the CLI: branch names git refuses exit 2 with one line naming the rule, before any backend
 * or `pulumi` is touched (test/cli/support/refused-cleanly.ts), for `preview up` and `preview down` alike.
 */
import { expectRefusedCleanly } from "../cli/support/refused-cleanly";

const rules: [string, RegExp][] = [
  ["a..b", /^error: branch: "a\.\.b" contains "\.\.", which git refuses in a branch name \(allowed: a name `git check-ref-format --branch` accepts, of 1-255 characters\)$/m],
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
