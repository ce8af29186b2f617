/**
 * The test hosts (test/support/hosts) answer as the processes they stand for: a `tenantctl` command on the CLI host,
 * and a quick stand-in `pulumi` command or an Automation API operation through the compiled client on the stand-in
 * host, give the same exit code, stdout and stderr (and, for operations, checkpoint, locks and answer to signals) as
 * the process, whatever ran on the host before or beside them. Each test here starts hosts of
 * its own (not the run's), so it also covers starting, reaching and stopping them.
 */
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { e2eEnv, runProcess, sharedUpDevWorld, tenantctlProcess, type Result } from "../../cli/support/e2e";
import { tempDir } from "../../cli/support/memory-io";
import * as aws from "@pulumi/aws";
import { ResourceHook } from "@pulumi/pulumi/resource";
import { LocalWorkspace, type PulumiFn } from "@pulumi/pulumi/automation";
import { createStandinWorld, STANDIN_BIN } from "../standin-harness";
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

/** What an SDK operation gave: its exit code, stdout and stderr (durations and pids, which differ run to run, blanked). */
interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

const blank = (text: string): string =>
  text
    .replace(/Duration: \d+s/g, "Duration: Ns")
    .replace(/\(pid \d+\)/g, "(pid N)")
    .replace(/RequestID: [\w-]+/g, "RequestID: R")
    .replace(/--client=127\.0\.0\.1:\d+/g, "--client=127.0.0.1:N")
    .replace(/file:\/\/\S+\.json: created/g, "LOCK: created")
    .replace(/ at \d{4}-\d\d-\d\dT[\d:.]+Z/g, " at T");

async function outcomeOf(p: Promise<{ stdout: string; stderr: string }>): Promise<Outcome> {
  try {
    const r = await p;
    return { code: 0, stdout: blank(r.stdout), stderr: blank(r.stderr) };
  } catch (err: unknown) {
    const e = err as { commandResult?: { code: number; stdout: string; stderr: string }; message?: string };
    if (e.commandResult === undefined) throw err;
    // The SDK reports a failed command as its own code -2 with the command's exit code in the text.
    const { stdout, stderr } = e.commandResult;
    const code = Number(/Command failed with exit code (\d+)/.exec(stderr)?.[1] ?? e.commandResult.code);
    return { code, stdout: blank(stdout), stderr: blank(stderr) };
  }
}

/** A checkpoint without what differs run to run (times, the provider's random id). */
function checkpointShape(deployment: { resources?: Record<string, unknown>[]; pending_operations?: unknown[] }) {
  return {
    resources: (deployment.resources ?? []).map(({ urn, type, inputs, outputs, id }) => ({
      urn,
      type,
      inputs,
      outputs,
      id: String(type).startsWith("pulumi:providers:") ? "(provider)" : id,
    })),
    pending: deployment.pending_operations ?? [],
  };
}

describe("operations on the stand-in host", () => {
  const dir = mkdtempSync(join(tmpdir(), "hosts-ops-test-"));
  const socket = join(dir, "standin.sock");
  const client = join(dir, "standin-client");
  let host: ChildProcess | undefined;

  beforeAll(async () => {
    expect(hosts.compileStandinClient(client)).toBe(true);
    host = await hosts.startHost("standin-server.js", socket);
  });

  afterAll(async () => {
    if (host) await hosts.stopHost(host);
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * A fresh world whose stack runs its operations on the host or as processes. On the host, PATH has no node: an
   * operation that fell back to a process would fail, so what the host world shows is the host's.
   */
  async function world(onHost: boolean, program: PulumiFn) {
    const w = createStandinWorld();
    const env = onHost
      ? { ...w.env, PULUMI_STANDIN_HOST: socket, PULUMI_STANDIN_HOST_CLIENT: client, PATH: join(dir, "no-node") }
      : { ...w.env, PULUMI_STANDIN_HOST: "", PULUMI_STANDIN_HOST_CLIENT: "" };
    const projectDir = join(w.workDir, "hostops");
    mkdirSync(projectDir, { recursive: true });
    const stack = await LocalWorkspace.createOrSelectStack(
      { projectName: "hostops", stackName: "dev", program },
      { workDir: projectDir, envVars: env, pulumiCommand: await w.pulumiCommand() },
    );
    const lockDir = join(w.backendDir, ".pulumi", "locks", "organization", "hostops", "dev");
    /** The pids the stack's lock files name. */
    const lockPids = (): number[] =>
      (existsSync(lockDir) ? readdirSync(lockDir) : [])
        .filter((f) => f.endsWith(".json"))
        .map((f) => (JSON.parse(readFileSync(join(lockDir, f), "utf8")) as { pid: number }).pid);
    const checkpoint = async () => checkpointShape((await stack.exportStack()).deployment as never);
    return { w, stack, lockPids, checkpoint };
  }

  /** Log groups a, b, c, and d when asked. */
  const groups =
    (extra = false): PulumiFn =>
    async () => {
      const a = new aws.cloudwatch.LogGroup("a", { name: "a", retentionInDays: 7 });
      new aws.cloudwatch.LogGroup("b", { name: "b", retentionInDays: 7, tags: { after: a.name } }, { dependsOn: [a] });
      new aws.cloudwatch.LogGroup("c", { name: "c", retentionInDays: 7 });
      if (extra) new aws.cloudwatch.LogGroup("d", { name: "d", retentionInDays: 14 });
    };

  /**
   * A program that creates log group a, says so, and then never ends: an operation in flight, its stack locked, for
   * the test to interrupt or kill. (Resumed after the operation ended, the SDK's runtime would call an engine that is
   * gone, outside any promise the test holds.)
   */
  function holding() {
    let reached!: () => void;
    const reachedP = new Promise<void>((r) => (reached = r));
    const program: PulumiFn = async () => {
      const a = new aws.cloudwatch.LogGroup("a", { name: "a", retentionInDays: 7 });
      await new Promise<void>((r) => a.id.apply((id) => (r(), id)));
      reached();
      await new Promise<never>(() => undefined);
    };
    return { program, reached: reachedP };
  }

  /**
   * A program whose log group b waits in its before-create hook, never to return: a step in flight, which a first
   * SIGINT's graceful cancel waits for, so a second SIGINT finds the operation still running.
   */
  function holdingInStep() {
    let reached!: () => void;
    const reachedP = new Promise<void>((r) => (reached = r));
    const program: PulumiFn = async () => {
      const wait = new ResourceHook("wait", async () => {
        reached();
        await new Promise<never>(() => undefined);
      });
      const a = new aws.cloudwatch.LogGroup("a", { name: "a", retentionInDays: 7 });
      new aws.cloudwatch.LogGroup(
        "b",
        { name: "b", retentionInDays: 7 },
        { dependsOn: [a], hooks: { beforeCreate: [wait] } },
      );
    };
    return { program, reached: reachedP };
  }

  /** The command line of a live process, NUL-separated words. */
  const commandLine = (pid: number): string[] => readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");

  async function lifecycle(onHost: boolean) {
    const { stack, checkpoint, lockPids } = await world(onHost, groups());
    const seen: unknown[] = [];
    seen.push(await outcomeOf(stack.up()), await checkpoint());
    stack.workspace.program = groups(true);
    seen.push(await outcomeOf(stack.preview({ diff: true })));
    const env = stack.workspace.envVars;
    stack.workspace.envVars = { ...env, PULUMI_STANDIN_FAIL: "*::d" };
    seen.push(await outcomeOf(stack.up()), await checkpoint());
    stack.workspace.envVars = env;
    seen.push(await outcomeOf(stack.up({ target: ["urn:pulumi:dev::hostops::nope"] })));
    seen.push(await outcomeOf(stack.refresh()), await outcomeOf(stack.destroy()), await checkpoint(), lockPids());
    return seen;
  }

  it("up, preview, a failing up, refresh and destroy answer as processes do: exit code, stdout, stderr, checkpoint", async () => {
    const [onHost, asProcesses] = [await lifecycle(true), await lifecycle(false)];
    expect(onHost).toEqual(asProcesses);
    // Not all alike: successes and a failure, a checkpoint with resources and an empty one.
    const codes = onHost.filter((x): x is Outcome => (x as Outcome).code !== undefined).map((o) => o.code);
    expect(codes).toContain(0);
    expect(codes).toContain(255);
    expect((onHost[1] as { resources: unknown[] }).resources.length).toBeGreaterThan(3);
  });

  async function interrupted(onHost: boolean, secondInterrupt: boolean) {
    const { stack, checkpoint, lockPids } = await world(onHost, groups());
    const { program, reached } = secondInterrupt ? holdingInStep() : holding();
    stack.workspace.program = program;
    const abort = new AbortController();
    let stdout = "";
    const said = (text: string) =>
      new Promise<void>((resolve) => {
        const look = setInterval(() => {
          if (stdout.includes(text)) resolve(clearInterval(look));
        }, 10);
      });
    const up = outcomeOf(stack.up({ signal: abort.signal, onOutput: (out) => (stdout += out) }));
    await reached;
    const [pid] = lockPids();
    if (pid === undefined) throw new Error("no lock while the update runs");
    // The lock names the pid of what the SDK started: the C client on the host (so a killed one leaves it as a
    // killed process would), node otherwise.
    expect(commandLine(pid)[0]).toBe(onHost ? client : "node");
    abort.abort();
    await said("^C received");
    // The second one: the stand-in exits 255 at once (process.exit), the lock left behind.
    if (secondInterrupt) process.kill(pid, "SIGINT");
    const outcome = await up;
    return { outcome, checkpoint: await checkpoint(), locked: lockPids().length };
  }

  it("SIGINT to the client cancels as in a process: state saved, lock released, exit 255", async () => {
    const [onHost, asProcess] = [await interrupted(true, false), await interrupted(false, false)];
    expect(onHost).toEqual(asProcess);
    expect(onHost.outcome.code).toBe(255);
    expect(onHost.outcome.stderr).toContain("error: update canceled");
    expect(onHost.locked).toBe(0);
  });

  it("a second SIGINT during a running step exits 255 at once, leaving the lock, as a process does", async () => {
    const [onHost, asProcess] = [await interrupted(true, true), await interrupted(false, true)];
    expect(onHost).toEqual(asProcess);
    expect(onHost.outcome.code).toBe(255);
    expect(onHost.outcome.stderr).not.toContain("error: update canceled");
    expect(onHost.locked).toBe(1);
  });

  async function killed(onHost: boolean, signal: NodeJS.Signals) {
    const { stack, checkpoint, lockPids } = await world(onHost, groups());
    const { program, reached } = holding();
    stack.workspace.program = program;
    const up = outcomeOf(stack.up());
    await reached;
    const [pid] = lockPids();
    if (pid === undefined) throw new Error("no lock while the update runs");
    expect(commandLine(pid)[0]).toBe(onHost ? client : "node");
    process.kill(pid, signal);
    const ended = await up;
    const seen = {
      ended,
      locks: lockPids(),
      checkpoint: await checkpoint(),
      next: await outcomeOf(stack.up()),
    };
    expect(seen.locks).toEqual([pid]);
    // After `pulumi cancel`, the next update works.
    await stack.cancel();
    stack.workspace.program = groups();
    const after = await outcomeOf(stack.up());
    return { ...seen, locks: seen.locks.length, after, final: await checkpoint() };
  }

  // SIGTERM: the stand-in has no handler for it, so the command dies of it; the client re-raises it on itself.
  it.each(["SIGKILL", "SIGTERM"] as const)(
    "%s of the client leaves the lock and state of a killed process; the next operation on the host works",
    async (signal) => {
      const [onHost, asProcess] = [await killed(true, signal), await killed(false, signal)];
      expect(onHost).toEqual(asProcess);
      expect(onHost.ended.stderr).toContain(`was killed with ${signal}`);
      expect(onHost.next.code).toBe(255);
      expect(onHost.next.stderr).toContain("the stack is currently locked by 1 lock(s)");
      expect(onHost.after.code).toBe(0);
    },
  );
});
