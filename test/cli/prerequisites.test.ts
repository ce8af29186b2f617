import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { resolveBackend, projectWorkDir, tenantctlHome } from "../../cli/store/backend";
import {
  checkSecretsProviderOption,
  compareVersions,
  firstLine,
  resolvePulumiCommand,
  resolveSecrets,
} from "../../cli/orchestration/prerequisites";
import { PrerequisiteError, UsageError } from "../../cli/errors";
import { runInProcess, tempDir } from "./support/memory-io";

describe("backend location", () => {
  it("defaults to a file backend in the project-local .tenantctl folder", () => {
    expect(resolveBackend({}, "/repo")).toEqual({
      url: "file:///repo/.tenantctl/state",
      defaulted: true,
      fileRoot: "/repo/.tenantctl/state",
    });
    expect(projectWorkDir({}, "/repo", "tenantctl-tenants")).toBe("/repo/.tenantctl/work/tenantctl-tenants");
    expect(tenantctlHome({ TENANTCTL_HOME: "ops" }, "/repo")).toBe("/repo/ops");
  });

  it("takes PULUMI_BACKEND_URL: file paths resolved, remote URLs passed through, junk refused", () => {
    const dir = tempDir("tenantctl-backend-");
    expect(resolveBackend({ PULUMI_BACKEND_URL: `file://${dir}` }, "/repo").fileRoot).toBe(dir);
    expect(resolveBackend({ PULUMI_BACKEND_URL: `file://${dir}/` }, "/repo").url).toBe(`file://${dir}`);
    expect(resolveBackend({ PULUMI_BACKEND_URL: `file://${dir}?no_tmp_dir=true` }, "/repo")).toEqual({
      url: `file://${dir}?no_tmp_dir=true`,
      defaulted: false,
      fileRoot: dir,
    });
    expect(resolveBackend({ PULUMI_BACKEND_URL: "s3://bucket/prefix" }, "/repo")).toEqual({
      url: "s3://bucket/prefix",
      defaulted: false,
      fileRoot: undefined,
    });
    expect(() => resolveBackend({ PULUMI_BACKEND_URL: "ftp://x" }, "/repo")).toThrow(UsageError);
  });

  it("refuses a relative, a missing or a ~user file backend folder with exit 5 and the fix (pulumi resolves relative paths from its own cwd)", () => {
    expect(() => resolveBackend({ PULUMI_BACKEND_URL: "file://rel/state" }, "/repo")).toThrow(PrerequisiteError);
    expect(() => resolveBackend({ PULUMI_BACKEND_URL: "file://rel/state" }, "/repo")).toThrow(
      /is a relative path.*file:\/\/\/repo\/rel\/state/,
    );
    expect(() => resolveBackend({ PULUMI_BACKEND_URL: "file://./state" }, "/repo")).toThrow(/is a relative path/);
    expect(() => resolveBackend({ PULUMI_BACKEND_URL: "file:///no/such/tenantctl-folder" }, "/repo")).toThrow(
      /the folder \/no\/such\/tenantctl-folder does not exist.*mkdir -p/,
    );
    expect(() => resolveBackend({ PULUMI_BACKEND_URL: "file://~ops/state" }, "/repo")).toThrow(PrerequisiteError);
  });

  it("expands file://~ and file://~/path to the home folder as pulumi does (the user's passwd entry)", () => {
    const home = userInfo().homedir;
    expect(resolveBackend({ PULUMI_BACKEND_URL: "file://~" }, "/repo")).toEqual({
      url: `file://${home}`,
      defaulted: false,
      fileRoot: home,
    });
    const sub = mkdtempSync(join(home, ".tenantctl-test-"));
    try {
      const name = sub.slice(home.length + 1);
      expect(resolveBackend({ PULUMI_BACKEND_URL: `file://~/${name}` }, "/repo").fileRoot).toBe(sub);
    } finally {
      rmSync(sub, { recursive: true, force: true });
    }
  });
});

describe("secrets provider", () => {
  it("accepts passphrase and awskms:// only", () => {
    expect(checkSecretsProviderOption(undefined)).toBeUndefined();
    expect(checkSecretsProviderOption("passphrase")).toBeUndefined();
    expect(checkSecretsProviderOption("awskms://alias/tenantctl?region=eu-west-1")).toBe(
      "awskms://alias/tenantctl?region=eu-west-1",
    );
    expect(() => checkSecretsProviderOption("gcpkms://x")).toThrow(UsageError);
  });

  it("needs a passphrase (or a readable passphrase file) unless KMS is used", () => {
    expect(resolveSecrets({ PULUMI_CONFIG_PASSPHRASE: "" }, undefined)).toEqual({ secretsProvider: undefined });
    expect(resolveSecrets({}, "awskms://alias/x")).toEqual({ secretsProvider: "awskms://alias/x" });
    const file = join(tempDir(), "pass");
    writeFileSync(file, "secret");
    expect(resolveSecrets({ PULUMI_CONFIG_PASSPHRASE_FILE: file }, undefined)).toEqual({ secretsProvider: undefined });
    expect(() => resolveSecrets({ PULUMI_CONFIG_PASSPHRASE_FILE: `${file}.missing` }, undefined)).toThrow(
      /cannot be read/,
    );
    expect(() => resolveSecrets({}, undefined)).toThrow(PrerequisiteError);
  });
});

describe("pulumi CLI", () => {
  it("quotes the first informative line of an SDK error, never its empty labels", () => {
    expect(
      firstLine(
        new Error(
          "code: -2\n stdout: \n stderr: Command failed with ENOENT: pulumi version\nspawn pulumi ENOENT\n err?: x",
        ),
      ),
    ).toBe("Command failed with ENOENT: pulumi version");
    expect(firstLine(new Error("code: 1\n stdout: \n stderr: \n"))).toBe("");
  });

  it("compares versions numerically", () => {
    expect(compareVersions("v3.248.0", "3.150.0")).toBe(1);
    expect(compareVersions("3.99.0", "3.150.0")).toBe(-1);
    expect(compareVersions("3.150.0", "3.150.0")).toBe(0);
  });

  it("reports a missing CLI as a prerequisite with the fix", async () => {
    const saved = process.env.PATH;
    process.env.PATH = tempDir();
    try {
      const error = await resolvePulumiCommand(false).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PrerequisiteError);
      expect((error as PrerequisiteError).message).toMatch(
        /^the pulumi CLI was not found on PATH \(Command failed with ENOENT: pulumi version\)$/,
      );
      expect((error as PrerequisiteError).message).not.toMatch(/stdout|stderr|\(\)/);
      expect((error as PrerequisiteError).hint).toMatch(/--install-pulumi/);
      expect((error as PrerequisiteError).hint).toMatch(/tenantctl synth tenant/);
    } finally {
      process.env.PATH = saved;
    }
  });

  it("refuses a CLI older than the minimum", async () => {
    const bin = tempDir();
    writeFileSync(join(bin, "pulumi"), "#!/bin/sh\necho v3.1.0\n", { mode: 0o755 });
    const saved = process.env.PATH;
    process.env.PATH = `${bin}:${saved ?? ""}`;
    try {
      await expect(resolvePulumiCommand(false)).rejects.toThrow(/v3\.1\.0; tenantctl needs v3\.181\.0 or newer/);
    } finally {
      process.env.PATH = saved;
    }
  });
});

describe("missing prerequisites through the CLI", () => {
  it("exits 5 with the variable to set and a pointer to synth", async () => {
    const run = await runInProcess(["provision", "tenant", "acme"], { env: { PATH: process.env.PATH } });
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/PULUMI_CONFIG_PASSPHRASE/);
    expect(run.stderr).toMatch(/tenantctl synth tenant/);
  });
});
