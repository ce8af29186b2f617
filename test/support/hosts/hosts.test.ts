/**
 * The test hosts (test/support/hosts) answer as the processes they stand for: a `tenantctl` command on the CLI host,
 * and a quick stand-in `pulumi` command through the compiled client on the stand-in host, give the same exit code,
 * stdout and stderr as the binary, whatever ran on the host before or beside them. Each test here starts hosts of
 * its own (not the run's), so it also covers starting, reaching and stopping them.
 */
import type { ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { e2eEnv, runProcess, sharedUpDevWorld, tenantctlProcess, type Result } from "../../cli/support/e2e";
import { tempDir } from "../../cli/support/memory-io";
import { STANDIN_BIN } from "../standin-harness";
import { runOnCliHost } from "./client";

interface Hosts {
  startHost(server: string, socket: string): Promise<ChildProcess>;
  stopHost(child: ChildProcess): Promise<unknown>;
  compileStandinClient(out: string): boolean;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hosts = require("./hosts") as Hosts;

const LAUNCHER = join(STANDIN_BIN, "pulumi");
const HOST_VARS = ["PULUMI_STANDIN_HOST", "PULUMI_STANDIN_HOST_CLIENT"] as const;

/** Runs the stand-in launcher with exactly this env (the host's variables in it or not). */
function pulumi(cwd: string, env: NodeJS.ProcessEnv, argv: readonly string[]): Promise<Result> {
  return runProcess(LAUNCHER, argv, cwd, env);
}

function withoutHost(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  for (const key of HOST_VARS) delete copy[key];
  return copy;
}

describe("the test hosts", () => {
  const dir = mkdtempSync(join(tmpdir(), "hosts-test-"));
  const cliSocket = join(dir, "cli.sock");
  const standinSocket = join(dir, "standin.sock");
  const client = join(dir, "standin-client");
  const started: ChildProcess[] = [];
  // Two worlds: the shared stack of env dev, each in its own folder with its own backend.
  const worlds = [0, 1].map(() => {
    const cwd = tempDir("tenantctl-hosts-");
    const backend = join(cwd, "backend");
    mkdirSync(backend);
    return { cwd, backend, env: withoutHost(e2eEnv(backend)), work: "" };
  });

  beforeAll(async () => {
    for (const world of worlds) {
      await sharedUpDevWorld(world.cwd, world.env);
      // The shared project's work folder (its Pulumi.yaml): where tenantctl runs the stand-in for that stack.
      const workRoot = join(world.cwd, ".tenantctl", "work");
      const project = readdirSync(workRoot).find((name) => name.endsWith("shared")) ?? "";
      world.work = join(workRoot, project);
    }
    expect(hosts.compileStandinClient(client)).toBe(true);
    started.push(await hosts.startHost("cli-server.js", cliSocket));
    started.push(await hosts.startHost("standin-server.js", standinSocket));
  });

  afterAll(async () => {
    await Promise.all(started.map((child) => hosts.stopHost(child)));
    rmSync(dir, { recursive: true, force: true });
  });

  it("a tenantctl command on the CLI host answers as the binary: exit code, stdout and stderr, in its own cwd and env", async () => {
    const [a] = worlds;
    if (a === undefined) throw new Error("no world");
    const elsewhere = tempDir("tenantctl-hosts-elsewhere-");
    const relative = { ...a.env, PULUMI_BACKEND_URL: "file://./backend" };
    // In this order on one host: a command that succeeds, one that fails, then ones that differ from their
    // neighbours only in cwd or env, so anything one of them left behind on the host would show in the next.
    const runs: [string, NodeJS.ProcessEnv, string[]][] = [
      [a.cwd, a.env, ["list", "tenants", "--json"]],
      [a.cwd, a.env, ["provision", "tenant", "x_bad"]],
      [a.cwd, relative, ["list", "tenants"]],
      [elsewhere, relative, ["list", "tenants"]],
      [a.cwd, { ...a.env, PULUMI_BACKEND_URL: "file://./missing" }, ["list", "tenants"]],
      [a.cwd, relative, ["status", "tenant", "nobody"]],
      [a.cwd, a.env, ["--help"]],
    ];
    const codes: (number | null)[] = [];
    for (const [cwd, env, argv] of runs) {
      const viaHost = await runOnCliHost(cliSocket, cwd, env, argv);
      expect({ argv, ...viaHost }).toEqual({ argv, ...(await tenantctlProcess(cwd, env, argv)) });
      codes.push(viaHost.code);
    }
    // The runs are not all alike: successes and refusals both.
    expect(new Set(codes).size).toBeGreaterThan(2);
  });

  it("a quick stand-in command on its host answers as its own process, trace line included", async () => {
    const [a] = worlds;
    if (a === undefined) throw new Error("no world");
    const trace = join(dir, "trace.txt");
    const env = { ...a.env, PULUMI_STANDIN_TRACE_FILE: trace };
    const onHost = { ...env, PULUMI_STANDIN_HOST: standinSocket, PULUMI_STANDIN_HOST_CLIENT: client };
    for (const argv of [
      ["stack", "ls", "--json"],
      ["stack", "output", "--json", "--show-secrets", "--stack", "dev"],
      ["stack", "history", "--json", "--show-secrets", "--page-size", "1", "--page", "1", "--stack", "dev"],
      ["stack", "export", "--show-secrets", "--stack", "dev"],
      ["stack", "output", "--bogus"],
      ["stack", "select", "--stack", "nope"],
      ["stack", "tag", "ls", "--json", "--stack", "dev"],
    ]) {
      writeFileSync(trace, "");
      const asProcess = await pulumi(a.work, env, argv);
      const processTrace = readFileSync(trace, "utf8");
      writeFileSync(trace, "");
      const viaHost = await pulumi(a.work, onHost, argv);
      expect({ argv, ...viaHost }).toEqual({ argv, ...asProcess });
      expect(readFileSync(trace, "utf8")).toBe(processTrace);
      expect(processTrace).toBe(`${JSON.stringify(argv)}\n`);
    }
    // A long answer (the whole checkpoint) crosses the socket whole.
    const exported = await pulumi(a.work, onHost, ["stack", "export", "--stack", "dev"]);
    expect(exported.stdout.length).toBeGreaterThan(64 * 1024);
    expect(JSON.parse(exported.stdout)).toMatchObject({ version: 3 });
  });

  it("commands at once each get their own thread, env and cwd; without a reachable host the client runs node itself", async () => {
    const [a, b] = worlds;
    if (a === undefined || b === undefined) throw new Error("no worlds");
    // Make the worlds differ: a tag on b's stack only.
    expect((await pulumi(b.work, b.env, ["stack", "tag", "set", "colour", "blue", "--stack", "dev"])).code).toBe(0);
    const argv = ["stack", "tag", "ls", "--json", "--stack", "dev"];
    const expected = await Promise.all([pulumi(a.work, a.env, argv), pulumi(b.work, b.env, argv)]);
    expect(expected[0]?.stdout).not.toEqual(expected[1]?.stdout);
    const onHost = (w: (typeof worlds)[number]) => ({
      ...w.env,
      PULUMI_STANDIN_HOST: standinSocket,
      PULUMI_STANDIN_HOST_CLIENT: client,
    });
    const together = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        i % 2 === 0 ? pulumi(a.work, onHost(a), argv) : pulumi(b.work, onHost(b), argv),
      ),
    );
    together.forEach((r, i) => expect(r).toEqual(expected[i % 2]));
    const unreachable = { ...onHost(a), PULUMI_STANDIN_HOST: join(dir, "no-such.sock") };
    expect(await pulumi(a.work, unreachable, argv)).toEqual(expected[0]);
  });
});
