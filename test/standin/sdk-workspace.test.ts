import * as fs from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { createStandinWorld, type StandinWorld } from "../support/standin-harness";

/** Every error line of a failed SDK call (CommandError quotes stderr more than once). */
async function errorOf(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err === undefined) throw new Error("expected the call to fail");
  return [
    ...new Set(
      String((err as Error).message)
        .split("\n")
        .filter((l) => l.startsWith("error: ")),
    ),
  ].join("\n");
}

// Every SDK call spawns the stand-in; on the shared 2-core CI box one operation can take several seconds.
jest.setTimeout(300_000);

describe("stand-in pulumi through LocalWorkspace: config, stacks, plugins and what needs the network", () => {
  let world: StandinWorld;
  beforeAll(() => {
    world = createStandinWorld();
  });
  afterAll(() => world.cleanup());

  it("config: --path sets typed values inside maps and lists, get/rm with --path, secrets inside structures", async () => {
    const stack = await world.stack("wsconfig", "dev", async () => ({}));
    await stack.setConfig("data.nums[0]", { value: "1" }, true);
    await stack.setConfig("data.active", { value: "true" }, true);
    await stack.setConfig("data.name", { value: "acme" }, true);
    await stack.setConfig("data.pw", { value: "s3cr3t", secret: true }, true);
    expect(await stack.getConfig("data.nums[0]", true)).toEqual({ value: "1", secret: false });
    expect(await stack.getConfig("data.pw", true)).toEqual({ value: "s3cr3t", secret: true });
    const all = await stack.getAllConfig();
    expect(all["wsconfig:data"].secret).toBe(true);
    expect(JSON.parse(all["wsconfig:data"].value)).toEqual({ nums: [1], active: true, name: "acme", pw: "s3cr3t" });
    // The file holds the secret leaf encrypted, never in plaintext.
    const file = fs.readFileSync(path.join(world.workDir, "wsconfig", "Pulumi.dev.yaml"), "utf8");
    expect(file).not.toContain("s3cr3t");
    expect(file).toMatch(/pw:\n\s+secure: v1:/);
    await stack.removeConfig("data.name", true);
    await stack.removeAllConfig(["data.active", "data.pw"], true);
    expect(JSON.parse((await stack.getConfig("data")).value)).toEqual({ nums: [1] });
    await stack.setAllConfig({ "tags.team": { value: "core" }, "tags.tier": { value: "gold", secret: true } }, true);
    expect(JSON.parse((await stack.getConfig("tags")).value)).toEqual({ team: "core", tier: "gold" });
    expect((await stack.getConfig("tags")).secret).toBe(true);
  });

  it("config: refuses a key with two colons (ParseKey's message) and stores nothing", async () => {
    const stack = await world.stack("wsconfig", "dev", async () => ({}));
    const before = await stack.getAllConfig();
    expect(await errorOf(stack.setConfig("a:b:c", { value: "v" }))).toBe(
      "error: invalid configuration key: could not parse a:b:c as a configuration key (configuration keys should be of the form `<namespace>:<name>`)",
    );
    expect(await stack.getAllConfig()).toEqual(before);
    await stack.setConfig("aws:config:region", { value: "eu-west-1" });
    expect(await stack.getConfig("aws:region")).toEqual({ value: "eu-west-1", secret: false });
  });

  it("config: set-all --json takes `pulumi config --json` output, secrets re-encrypted; refresh restores the last update's config", async () => {
    const from = await world.stack("wsconfig", "src", async () => ({}));
    await from.setAllConfig({ plain: { value: "p" }, hidden: { value: "h", secret: true } });
    await from.setConfig("obj.k", { value: "v" }, true);
    // getAllConfig is `config --show-secrets --json` parsed: its JSON is that command's output.
    const json = JSON.stringify(await from.getAllConfig());
    const to = await world.stack("wsconfig", "dst", async () => ({}));
    await to.workspace.setAllConfigJson("dst", json);
    expect(await to.getAllConfig()).toEqual({
      "wsconfig:plain": { value: "p", secret: false },
      "wsconfig:hidden": { value: "h", secret: true },
      "wsconfig:obj": { value: '{"k":"v"}', objectValue: { k: "v" }, secret: false },
    });
    expect(fs.readFileSync(path.join(world.workDir, "wsconfig", "Pulumi.dst.yaml"), "utf8")).not.toContain(": h\n");
    await to.up();
    await to.setConfig("plain", { value: "changed" });
    await to.refreshConfig();
    expect(await to.getConfig("plain")).toEqual({ value: "p", secret: false });
  });

  it("stack ls --json has the DIY backend's shape: no updateInProgress, no url; counts only after a deployment", async () => {
    const stack = await world.stack("wsls", "one", async () => {
      new aws.cloudwatch.LogGroup("logs", { retentionInDays: 7 });
    });
    const fresh = await stack.workspace.listStacks();
    expect(fresh).toEqual([{ name: "one", current: true }]);
    await stack.up();
    const [summary] = await stack.workspace.listStacks();
    expect(Object.keys(summary).sort()).toEqual(["current", "lastUpdate", "name", "resourceCount"]);
    expect(summary.resourceCount).toBe(3);
    expect(Date.parse(summary.lastUpdate ?? "")).not.toBeNaN();
  });

  it("stack rename: moves state, history, config and URNs; the SDK's summary follows the new name", async () => {
    const stack = await world.stack("wsrename", "old", async () => {
      const logs = new aws.cloudwatch.LogGroup("logs", { retentionInDays: 7 });
      return { name: logs.name };
    });
    await stack.setConfig("k", { value: "v" });
    await stack.up();
    const renamed = await stack.rename({ stackName: "new" });
    expect(renamed.stdout.trim()).toBe("Renamed old to new");
    expect(renamed.summary?.kind).toBe("update");
    expect(stack.name).toBe("new");
    expect((await stack.workspace.listStacks()).map((s) => s.name)).toEqual(["new"]);
    expect(await stack.getConfig("k")).toEqual({ value: "v", secret: false });
    const state = await stack.exportStack();
    const urns = (state.deployment.resources as { urn: string }[]).map((r) => r.urn);
    expect(urns.every((u) => u.startsWith("urn:pulumi:new::wsrename::"))).toBe(true);
    // The log group is untouched; the root stack resource is named `<project>-<stack>`, so (as with the real CLI)
    // the program's new root replaces the renamed old one.
    const again = await stack.up();
    expect(again.summary.resourceChanges).toEqual({ same: 1, create: 1, delete: 1 });
    const clash = await world.stack("wsrename", "other", async () => ({}));
    expect(await errorOf(clash.rename({ stackName: "new" }))).toBe("error: a stack named new already exists");
  });

  it("answers plugin, install, org and ESC environment calls as the real CLI does offline or on a DIY backend", async () => {
    const stack = await world.stack("wsnet", "dev", async () => ({}));
    const ws = stack.workspace as LocalWorkspace;
    expect(await ws.listPlugins()).toEqual([]);
    await ws.removePlugin("aws", "7.48.0");
    expect(await errorOf(ws.installPlugin("aws", "v7.48.0"))).toMatch(
      /^error: \[resource plugin aws-7\.48\.0\] downloading: Get "https:\/\/api\.github\.com\/.*": dial tcp: lookup api\.github\.com: no such host/,
    );
    expect(await errorOf(ws.installPluginFromServer("acme", "v1.0.0", "https://plugins.example.com"))).toMatch(
      /lookup plugins\.example\.com: no such host/,
    );
    expect(await errorOf(ws.install())).toMatch(/dial tcp: lookup api\.pulumi\.com: no such host/);
    await ws.install({ noPlugins: true, noDependencies: true });
    expect(await errorOf(ws.addEnvironments("dev", "proj/env"))).toMatch(
      /^error: backend \S+ does not support environments$/,
    );
    expect(await errorOf(ws.listEnvironments("dev"))).toMatch(/does not support environments$/);
    expect(await errorOf(ws.removeEnvironment("dev", "proj/env"))).toMatch(/does not support environments$/);
    expect(await errorOf(stack.orgGetDefault())).toMatch(
      /^error: backends of this type "\S+" do not support organizations$/,
    );
    // The SDK's generated CLI API puts the name after `--` and PulumiCommand.run appends `--non-interactive` after
    // it, so cobra sees two arguments: the real CLI fails this call the same way before reaching the backend.
    expect(await errorOf(stack.orgSetDefault("acme"))).toBe("error: accepts 1 arg(s), received 2");
    expect((await ws.whoAmI()).user).toBeTruthy();
  });

  it("a remote workspace finds --remote in `preview --help` and is refused as on any non-Cloud backend", async () => {
    const workDir = path.join(world.workDir, "wsremote");
    fs.mkdirSync(workDir, { recursive: true });
    const ws = await LocalWorkspace.create({
      workDir,
      envVars: world.env,
      pulumiCommand: await world.pulumiCommand(),
      projectSettings: { name: "wsremote", runtime: "nodejs" },
      // What RemoteWorkspace.createOrSelectStack builds (its own options have no pulumiCommand).
      ...({
        remote: true,
        remoteGitProgramArgs: {
          stackName: "organization/wsremote/dev",
          url: "https://example.com/r.git",
          branch: "main",
        },
      } as object),
    });
    await ws.createStack("dev");
    const { Stack } = await import("@pulumi/pulumi/automation");
    const stack = await Stack.select("dev", ws);
    expect(await errorOf(stack.up())).toBe(
      "error: the Pulumi Cloud backend must be used for remote operations; use `pulumi login` without arguments to log into the Pulumi Cloud backend",
    );
  });

  it("--config-file: the operation reads the stack's config from the given file", async () => {
    const stack = await world.stack("wsfile", "dev", async () => ({
      greeting: new pulumi.Config().require("greeting"),
    }));
    const file = path.join(world.workDir, "other-config.yaml");
    fs.writeFileSync(file, "config:\n  wsfile:greeting: from-file\n");
    const up = await stack.up({ configFile: file });
    expect(up.outputs.greeting.value).toBe("from-file");
    expect(
      fs.existsSync(path.join(world.workDir, "wsfile", "Pulumi.dev.yaml")) &&
        fs.readFileSync(path.join(world.workDir, "wsfile", "Pulumi.dev.yaml"), "utf8"),
    ).not.toContain("from-file");
  });
});
