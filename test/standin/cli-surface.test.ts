import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { createStandinWorld, STANDIN_BIN, type StandinWorld } from "../support/standin-harness";

const run = promisify(execFile);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

// Every SDK call spawns the stand-in; on the shared 2-core CI box one operation can take several seconds.
jest.setTimeout(300_000);

describe("stand-in pulumi: CLI surface", () => {
  let world: StandinWorld;
  let dir: string;
  const pulumi = async (args: string[], env: Record<string, string | undefined> = {}): Promise<Result> => {
    try {
      const r = await run(path.join(STANDIN_BIN, "pulumi"), args, {
        cwd: dir,
        env: { ...process.env, ...world.env, ...env },
      });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, stdout: err.stdout, stderr: err.stderr };
    }
  };

  beforeAll(() => {
    world = createStandinWorld();
    dir = path.join(world.workDir, "surface");
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: surface\nruntime: nodejs\n");
  });
  afterAll(() => world.cleanup());

  it("reports a version the pinned SDK accepts and fails like cobra on unknown commands, flags and arguments", async () => {
    expect((await pulumi(["version"])).stdout.trim()).toBe("v3.248.0");
    const cmd = await pulumi(["frobnicate"]);
    expect(cmd.code).toBe(255);
    expect(cmd.stderr).toBe('error: unknown command "frobnicate" for "pulumi"\n');
    expect((await pulumi(["stack", "ls", "extra"])).stderr).toBe(
      'error: unknown command "extra" for "pulumi stack ls"\n',
    );
    const flag = await pulumi(["up", "--yes", "--frobnicate"]);
    expect(flag.stderr).toBe("error: unknown flag: --frobnicate\n");
    expect((await pulumi(["up", "-q"])).stderr).toBe("error: unknown shorthand flag: 'q' in -q\n");
    expect((await pulumi(["up", "--yes=maybe"])).stderr).toBe(
      'error: invalid argument "maybe" for "-y, --yes" flag: strconv.ParseBool: parsing "maybe": invalid syntax\n',
    );
    const big = await pulumi(["preview", "--parallel", "99999999999"]);
    expect(big.stderr).toBe(
      'error: invalid argument "99999999999" for "-p, --parallel" flag: strconv.ParseInt: parsing "99999999999": value out of range\n',
    );
    expect(big.code).toBe(255);
  });

  it("whoami: --json, and its own -v/--verbose (a bool shadowing the global log level) with the backend URL", async () => {
    const json = JSON.parse((await pulumi(["whoami", "-v", "--json"])).stdout) as {
      user: string;
      organizations: string[];
      url: string;
    };
    expect(json).toEqual({ user: expect.any(String) as string, organizations: [], url: world.env.PULUMI_BACKEND_URL });
    expect((await pulumi(["whoami", "--verbose"])).stdout).toBe(
      `User: ${json.user}\nOrganizations: \nBackend URL: ${world.env.PULUMI_BACKEND_URL}\n`,
    );
    expect((await pulumi(["whoami"])).stdout).toBe(`${json.user}\n`);
  });

  it("prints usage for --help and -h on every command; the --remote flags only with PULUMI_EXPERIMENTAL, as the SDK probes", async () => {
    const root = await pulumi(["--help"]);
    expect(root.code).toBe(0);
    expect(root.stdout).toMatch(/^Usage:\n {2}pulumi \[flags\]$/m);
    for (const c of ["up", "preview", "refresh", "destroy", "stack", "config", "import", "plugin"])
      expect(root.stdout).toMatch(new RegExp(`^  ${c} `, "m"));
    const preview = await pulumi(["preview", "--help"]);
    expect(preview.code).toBe(0);
    expect(preview.stdout).toContain("  -p, --parallel int32");
    expect(preview.stdout).toContain("      --save-plan string");
    expect(preview.stdout).not.toContain("--remote");
    expect((await pulumi(["preview", "--help"], { PULUMI_EXPERIMENTAL: "true" })).stdout).toContain("      --remote\n");
    expect((await pulumi(["stack", "rename", "-h"])).stdout).toContain("pulumi stack rename <new-stack-name> [flags]");
    expect((await pulumi(["config", "--help"])).stdout).toMatch(/Available Commands:[\s\S]*set-all/);
  });

  it("needs a passphrase like the real CLI and rejects a wrong one", async () => {
    const none = await pulumi(["stack", "init", "nopass"], { PULUMI_CONFIG_PASSPHRASE: undefined });
    expect(none.stderr).toBe(
      "error: passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE environment variables\n",
    );
    expect((await pulumi(["stack", "init", "dev"])).code).toBe(0);
    const wrong = await pulumi(["config", "set", "k", "--secret", "--", "v"], { PULUMI_CONFIG_PASSPHRASE: "other" });
    expect(wrong.stderr).toMatch(/^error: incorrect passphrase/);
    const file = path.join(world.workDir, "passphrase.txt");
    fs.writeFileSync(file, `${world.env.PULUMI_CONFIG_PASSPHRASE}\n`);
    const viaFile = await pulumi(["config", "set", "k", "--secret", "--", "v"], {
      PULUMI_CONFIG_PASSPHRASE: undefined,
      PULUMI_CONFIG_PASSPHRASE_FILE: file,
    });
    expect(viaFile.code).toBe(0);
    expect(JSON.parse((await pulumi(["config", "get", "k", "--json"])).stdout)).toEqual({ value: "v", secret: true });
  });

  it("manages stacks, tags, config and state export/import in the DIY layout", async () => {
    await pulumi(["stack", "init", "tags"]);
    await pulumi(["stack", "tag", "set", "tenant", "acme", "--stack", "tags"]);
    expect((await pulumi(["stack", "tag", "get", "tenant", "--stack", "tags"])).stdout.trim()).toBe("acme");
    expect(JSON.parse((await pulumi(["stack", "tag", "ls", "--json", "--stack", "tags"])).stdout)).toMatchObject({
      tenant: "acme",
      "pulumi:project": "surface",
    });
    await pulumi(["config", "set-all", "--stack", "tags", "--plaintext", "a=1=2", "--secret", "b=s"]);
    expect(JSON.parse((await pulumi(["config", "--show-secrets", "--json", "--stack", "tags"])).stdout)).toEqual({
      "surface:a": { value: "1=2", secret: false },
      "surface:b": { value: "s", secret: true },
    });
    const exported = await pulumi(["stack", "export", "--stack", "tags"]);
    const state = JSON.parse(exported.stdout) as {
      version: number;
      deployment: { secrets_providers: { type: string } };
    };
    expect(state.version).toBe(3);
    expect(state.deployment.secrets_providers.type).toBe("passphrase");
    const file = path.join(world.workDir, "state.json");
    fs.writeFileSync(file, exported.stdout);
    expect((await pulumi(["stack", "import", "--file", file, "--stack", "tags"])).code).toBe(0);
    const ls = JSON.parse((await pulumi(["stack", "ls", "--json"])).stdout) as { name: string; current: boolean }[];
    expect(ls.map((s) => s.name)).toEqual(["dev", "tags"]);
    expect(ls.find((s) => s.current)?.name).toBe("tags");
    expect(fs.existsSync(path.join(world.backendDir, ".pulumi", "stacks", "surface", "tags.json"))).toBe(true);
    expect((await pulumi(["stack", "rm", "--yes", "tags"])).code).toBe(0);
    expect((await pulumi(["stack", "select", "--stack", "tags"])).stderr).toBe("error: no stack named 'tags' found\n");
    expect(fs.existsSync(path.join(dir, "Pulumi.tags.yaml"))).toBe(false);
  });

  it("refuses a backend that is not a file backend", async () => {
    const r = await pulumi(["stack", "ls", "--json"], { PULUMI_BACKEND_URL: "s3://bucket" });
    expect(r.stderr).toMatch(/backend 's3:\/\/bucket' is not supported/);
  });
});
