/**
 * Issue 12, item 9: a preview's branch name follows git's rules exactly. gitBranchProblem is compared with the real
 * `git check-ref-format --branch` (run outside any repository, as CI does not depend on one) over names built from the
 * characters and sequences the rules are about; tenantctl's own limits on top (length, surrogates, C1 controls) are
 * filtered out of the comparison and tested separately.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { BRANCH_MAX_LENGTH, branchProblem, gitBranchProblem } from "../../infra/preview-naming";

const outsideRepo = mkdtempSync(join(tmpdir(), "tenantctl-git-"));

function gitAccepts(branch: string): boolean {
  const run = spawnSync("git", ["check-ref-format", "--branch", branch], {
    cwd: outsideRepo,
    env: { PATH: process.env.PATH, GIT_CEILING_DIRECTORIES: tmpdir() },
    encoding: "utf8",
  });
  if (run.error !== undefined) throw run.error;
  return run.status === 0;
}

const pieces = [
  "a",
  "Z",
  "7",
  "é",
  "日",
  "🙂",
  "-",
  "_",
  "+",
  "=",
  ",",
  "@",
  "{",
  "}",
  "]",
  "#",
  "!",
  "'",
  '"',
  ".",
  "..",
  "/",
  "//",
  ".lock",
  "lock",
  "HEAD",
  "@{",
  "@{-1}",
  " ",
  "~",
  "^",
  ":",
  "?",
  "*",
  "[",
  "\\",
  "\t",
  "\u007f",
  "\u0001",
];
const built = fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 12 }).map((p) => p.join(""));
const anyAscii = fc.string({
  unit: fc.integer({ min: 1, max: 127 }).map((c) => String.fromCharCode(c)),
  minLength: 1,
  maxLength: 20,
});
const named = fc.constantFrom(
  "HEAD",
  "-",
  "@",
  "a/HEAD",
  "feature/login",
  "dependabot/npm_and_yarn/x-1.2.3",
  "x.lock",
  "a..b",
  "foo bar",
  "-x",
  "a/-x",
  "a.",
  "a./b",
  "a.lock.b",
);
const candidate = fc.oneof(built, anyAscii, named);

describe("gitBranchProblem", () => {
  it("agrees with `git check-ref-format --branch` on every name within tenantctl's own limits (property)", () => {
    fc.assert(
      fc.property(
        candidate.filter((b) => branchProblem(b) === undefined),
        (branch) => {
          expect({ branch, accepted: gitBranchProblem(branch) === undefined }).toEqual({
            branch,
            accepted: gitAccepts(branch),
          });
        },
      ),
      { numRuns: 400 },
    );
  });

  it.each([
    ["a..b", 'contains ".."'],
    ["foo bar", 'contains " "'],
    ["x.lock", 'ending in ".lock"'],
    ["feature/x.lock/y", 'ending in ".lock"'],
    ["-x", 'starts with "-"'],
    ["HEAD", 'is "HEAD"'],
    ["a@{b", 'contains "@{"'],
    ["a/.b", 'starting with "."'],
    ["a.", 'ends with "."'],
    ["a//b", 'contains "//"'],
    ["/a", 'starts or ends with "/"'],
    ["a~1", 'contains "~"'],
    ["a\\b", 'contains "\\\\"'],
    ["what?", 'contains "?"'],
  ])("refuses %j in one line naming the rule (%s), as git does", (branch, rule) => {
    const problem = gitBranchProblem(branch) ?? "";
    expect(problem).toContain(rule);
    expect(problem).toContain(
      "which git refuses in a branch name (allowed: a name `git check-ref-format --branch` accepts, of 1-255 characters)",
    );
    expect(problem).not.toContain("\n");
    expect(gitAccepts(branch)).toBe(false);
  });

  it("keeps tenantctl's own limits on top of git's, which git alone would accept", () => {
    const tooLong = "b".repeat(BRANCH_MAX_LENGTH + 1);
    expect(gitAccepts(tooLong)).toBe(true);
    expect(gitBranchProblem(tooLong)).toMatch(/256 characters/);
    // U+009B is a one-character CSI for terminals that honour C1 controls: never echoed back in a message or a table.
    expect(gitAccepts("a\u009bb")).toBe(true);
    expect(gitBranchProblem("a\u009bb")).toMatch(/control character/);
  });

  it("accepts what git accepts that a naive rule might not", () => {
    for (const branch of ["a/-x", "@", "a/HEAD", "a.lock.b", "a./b", "a]b", "a{b}", "日本/🙂", "x/@"]) {
      expect({ branch, problem: gitBranchProblem(branch) }).toEqual({ branch, problem: undefined });
      expect(gitAccepts(branch)).toBe(true);
    }
  });
});
