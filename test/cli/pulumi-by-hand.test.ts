/**
 * Issue 11, item 2: the documented by-hand path, `pulumi up -s dev` at the repository root, through the stand-in
 * `pulumi`, which applies the project's `config:` schema as the real CLI does and runs Pulumi.yaml's `main` with the
 * Node.js SDK's own runner (docs/standin.md). The project directory is a copy of the repository's Pulumi.yaml and
 * Pulumi.dev.yaml (the stand-in writes the stack's encryption salt there) with the built program and node_modules
 * linked in, exactly the layout `pulumi` sees at the root.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./support/memory-io";
import { e2eEnv, ROOT } from "./support/e2e";

function project(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = tempDir("tenantctl-by-hand-");
  const root = join(dir, "repo");
  mkdirSync(root);
  for (const file of ["Pulumi.yaml", "Pulumi.dev.yaml", "package.json"]) copyFileSync(join(ROOT, file), join(root, file));
  for (const link of ["dist", "node_modules", "app"]) symlinkSync(join(ROOT, link), join(root, link));
  const backend = join(dir, "backend");
  mkdirSync(backend);
  return { dir: root, env: e2eEnv(backend) };
}

function pulumi(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]) {
  const r = spawnSync("pulumi", args, { cwd, env, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("pulumi up -s dev at the repository root (by hand, through the stand-in)", () => {
  const { dir, env } = project();

  it("creates the stack and runs the program with Pulumi.dev.yaml as shipped", () => {
    expect(pulumi(dir, env, "stack", "init", "dev").code).toBe(0);
    const up = pulumi(dir, env, "up", "-s", "dev", "--yes", "--non-interactive");
    expect({ code: up.code, stderr: up.stderr }).toEqual({ code: 0, stderr: "" });
    const outputs = pulumi(dir, env, "stack", "output", "--json", "-s", "dev");
    expect(outputs.code).toBe(0);
    const doc = JSON.parse(outputs.stdout) as { env: string; baseDomain: string; imageUri: string; ecrRepositoryUrl: string };
    expect(doc).toMatchObject({ env: "dev", baseDomain: "dev.tenants.example.com" });
    // No imageUri in Pulumi.dev.yaml: the program built app/ (resolved from the project directory).
    expect(doc.imageUri.startsWith(`${doc.ecrRepositoryUrl}@sha256:`)).toBe(true);
  });

  it("a second up changes nothing", () => {
    const up = pulumi(dir, env, "up", "-s", "dev", "--yes", "--non-interactive", "--expect-no-changes");
    expect({ code: up.code, stderr: up.stderr }).toEqual({ code: 0, stderr: "" });
  });
});
