/**
 * The infra diff end to end: `tenantctl shared preview --env dev --format markdown` against the stand-in prints the
 * shared stack's pending changes as a pull-request comment, and nothing else on stdout.
 */
import { DEV_SHARED_ARGS } from "../cli/support/e2e";
import { json, previewSandbox, T0 } from "./support";

const PASSPHRASE = "e2e-passphrase";

describe("shared preview --format markdown", () => {
  const box = previewSandbox();
  const shared = (...args: string[]) => box.run(T0, "shared", ...args, ...DEV_SHARED_ARGS);

  beforeAll(async () => {
    expect((await shared("up", "--json")).code).toBe(0);
  }, 300_000);

  it("reports no changes for an up-to-date stack", async () => {
    const r = await shared("preview", "--format", "markdown");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^### Infrastructure diff: shared stack `dev`\n\n\*\*No changes\.\*\* \d+ resources unchanged\.\n$/,
    );
  }, 300_000);

  it("lists each changed resource with its old and new values, and nothing secret", async () => {
    const r = await shared(
      "preview",
      "--config",
      "logRetentionDays=30",
      "--config",
      "vpcCidr=10.20.0.0/16",
      "--format",
      "markdown",
    );
    expect(r.code).toBe(0);
    const md = r.stdout;
    expect(md.startsWith("### Infrastructure diff: shared stack `dev`\n")).toBe(true);
    expect(md).toMatch(/^\*\*\d+ to update\*\* \(\d+ unchanged\)$/m);
    expect(md).toMatch(
      /^\| update \| `aws:cloudwatch\/logGroup:LogGroup` \| `[^`]+` \| `retentionInDays`: `14` → `30` \|$/m,
    );
    expect(md).toContain('`"10.10.0.0/16"` → `"10.20.0.0/16"`');
    expect(md).not.toMatch(/^\d{4}-\d\d-\d\dT/m);
    expect(md).not.toContain(PASSPHRASE);
    expect(md).not.toContain("[secret]");
  }, 300_000);

  it("changed nothing: the stack still previews clean, and --json stays one document", async () => {
    const r = await shared("preview", "--json");
    expect(r.code).toBe(0);
    const doc = json<{ action: string; resourceChanges: Record<string, number> }>(r);
    expect(doc.action).toBe("preview");
    expect(Object.entries(doc.resourceChanges).filter(([op, n]) => op !== "same" && n > 0)).toEqual([]);
  }, 300_000);

  it("refuses --format markdown together with --json (exit 2)", async () => {
    const r = await shared("preview", "--format", "markdown", "--json");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--json and --format markdown/);
  }, 300_000);
});
