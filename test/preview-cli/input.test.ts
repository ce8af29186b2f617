/**
 * Bad input to the preview commands: one clear line, exit 2, nothing touched (no work directory, no backend file),
 * checked in-process before any pulumi CLI or passphrase is looked for.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runInProcess, tempDir } from "../cli/support/memory-io";
import { expectRefusedCleanly, type BadInvocation } from "../cli/support/refused-cleanly";

const emptyFile = join(tempDir("tenantctl-preview-keep-"), "branches.txt");
writeFileSync(emptyFile, "\n  \n");

const BAD: readonly BadInvocation[] = [
  { argv: ["preview", "up", "--branch", ""], expect: /branch: "" has 0 characters/ },
  { argv: ["preview", "up", "--branch", "a".repeat(256)], expect: /branch: .* has 256 characters/ },
  { argv: ["preview", "up", "--branch", "tab\there"], expect: /branch: .*control character/ },
  { argv: ["preview", "up", "--branch", "x", "--ttl", "5s"], expect: /ttl: "5s" is not a duration/ },
  { argv: ["preview", "up", "--branch", "x", "--ttl", "30m"], expect: /ttl: "30m" is out of range/ },
  { argv: ["preview", "up", "--branch", "x", "--ttl", "31d"], expect: /ttl: "31d" is out of range/ },
  { argv: ["preview", "up", "--branch", "x", "--ttl", "1.5h"], expect: /ttl: "1.5h" is not a duration/ },
  { argv: ["preview", "up", "--branch", "x", "--ttl", ""], expect: /ttl: "" is not a duration/ },
  { argv: ["preview", "up", "--branch", "x", "--env", "Prod"], expect: /env: "Prod" is not an environment name/ },
  {
    argv: ["preview", "up", "--branch", "x", "--image", "nope"],
    expect: /image: "nope" has neither a tag nor a digest/,
  },
  { argv: ["preview", "up", "--branch", "x", "--format", "html"], expect: /argument 'html' is invalid/ },
  {
    argv: ["preview", "up", "--branch", "x", "--format", "markdown", "--json"],
    expect: /--json and --format markdown/,
  },
  {
    argv: ["preview", "up", "--branch", "x", "--secrets-provider", "vault://x"],
    expect: /--secrets-provider "vault:\/\/x" is not supported/,
  },
  { argv: ["preview", "up"], expect: /required option '--branch <name>' not specified/ },
  { argv: ["preview", "up", "--branch", "x", "extra"], expect: /too many arguments/ },
  {
    argv: ["preview", "up", "--branch", "x"],
    expect: /TENANTCTL_NOW: "tomorrow" is not an ISO 8601 time/,
    env: { TENANTCTL_NOW: "tomorrow" },
  },
  { argv: ["preview", "down", "--branch", ""], expect: /branch: "" has 0 characters/ },
  {
    argv: ["preview", "down", "--branch", "fix-login"],
    expect:
      /^error: preview down of branch "fix-login" needs confirmation, and there is no terminal to ask on \(allowed: .*--yes\)$/m,
  },
  {
    argv: ["preview", "gc"],
    expect: /^error: preview gc of env dev needs confirmation, and there is no terminal .*--dry-run\)$/m,
  },
  { argv: ["preview", "gc", "--dry-run", "--env", "x"], expect: /--env: "x" is not an environment name/ },
  {
    argv: ["preview", "gc", "--dry-run", "--keep-branches", "/nonexistent/branches.txt"],
    expect: /--keep-branches: cannot read .*ENOENT/,
  },
  {
    argv: ["preview", "gc", "--dry-run", "--keep-branches", emptyFile],
    expect: /keep-branches: the file lists no branch/,
  },
  { argv: ["preview", "list", "--env", "X"], expect: /--env: "X" is not an environment name/ },
];

describe("preview commands refuse bad input with exit 2 and touch nothing", () => {
  it.each(BAD.map((b) => [b.argv.join(" ").slice(0, 70), b] as const))("%s", async (_name, bad) => {
    await expectRefusedCleanly(bad);
  });

  it("validates before looking for prerequisites: a bad ttl wins over a missing pulumi CLI and passphrase", async () => {
    const run = await runInProcess(["preview", "up", "--branch", "x", "--ttl", "0d"], { env: { PATH: "" } });
    expect(run.code).toBe(2);
  });

  it("lists nothing on an empty backend without needing the pulumi CLI or a passphrase", async () => {
    const backend = tempDir("tenantctl-backend-");
    const run = await runInProcess(["preview", "list", "--json"], {
      env: { PATH: "", PULUMI_BACKEND_URL: `file://${backend}` },
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ previews: [] });
  });
});
