import * as fs from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import WebSocket from "ws";
import { accountResources } from "../support/standin-account";
import { createStandinWorld, type StandinWorld } from "../support/standin-harness";

const REPO = path.join(__dirname, "..", "..");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The TCP port a process listens on, from /proc (the inspector's, since the program opens none of its own). */
async function listeningPort(pid: number): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const inodes = new Set<string>();
    for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`, { encoding: "utf8" }));
      if (m) inodes.add(m[1]);
    }
    for (const line of fs.readFileSync(`/proc/${pid}/net/tcp`, "utf8").split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === "0A" && inodes.has(cols[9] ?? "")) return parseInt(cols[1].split(":")[1], 16);
    }
    await sleep(50);
  }
  throw new Error(`process ${pid} never listened on a TCP port`);
}

/**
 * Attaches over the inspector protocol as an IDE does with `continueOnAttach`: enable the debugger, release the
 * program waiting at `--inspect-brk`, resume every pause, detach once the program has run past its first statement.
 */
async function attachAndContinue(pid: number): Promise<{ pauses: number }> {
  const port = await listeningPort(pid);
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
    webSocketDebuggerUrl: string;
  }[];
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  let id = 0;
  const send = (method: string): void => void ws.send(JSON.stringify({ id: ++id, method }));
  let pauses = 0;
  const resumed = new Promise<void>((resolve) => {
    ws.on("message", (data: WebSocket.RawData) => {
      const msg = JSON.parse(data.toString()) as { method?: string };
      if (msg.method === "Debugger.paused") {
        pauses++;
        send("Debugger.resume");
      }
      if (msg.method === "Debugger.resumed" && pauses > 0) resolve();
    });
  });
  send("Debugger.enable");
  send("Runtime.runIfWaitingForDebugger");
  await resumed;
  ws.close();
  return { pauses };
}

// Every SDK call spawns the stand-in; on the shared 2-core box one operation can take several seconds.
jest.setTimeout(300_000);

describe("stand-in pulumi: --attach-debugger as pulumi 3.248 and its Node.js language host do it", () => {
  let world: StandinWorld;
  beforeAll(() => {
    world = createStandinWorld();
  });
  afterAll(() => world.cleanup());

  it("an on-disk program starts under the inspector and waits; the StartDebuggingEvent names it; attaching runs the update", async () => {
    const dir = path.join(world.workDir, "debugged");
    fs.mkdirSync(dir, { recursive: true });
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"));
    fs.writeFileSync(
      path.join(dir, "Pulumi.yaml"),
      "name: debugged\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n",
    );
    fs.writeFileSync(
      path.join(dir, "index.js"),
      'const aws = require("@pulumi/aws");\nnew aws.cloudwatch.LogGroup("debugged", { retentionInDays: 7 });\n',
    );
    const stack = await LocalWorkspace.createOrSelectStack(
      { stackName: "dev", workDir: dir },
      { envVars: world.env, pulumiCommand: await world.pulumiCommand() },
    );
    const starts: Record<string, unknown>[] = [];
    let attached: Promise<{ pauses: number }> | undefined;
    const up = await stack.up({
      attachDebugger: true,
      onEvent: (e: EngineEvent) => {
        if (!e.startDebuggingEvent) return;
        starts.push(e.startDebuggingEvent.config);
        attached = attachAndContinue(Number(e.startDebuggingEvent.config.processId));
      },
    });
    expect(starts).toEqual([
      {
        name: "Pulumi: Program (Node.js)",
        type: "node",
        request: "attach",
        processId: expect.any(Number) as number,
        continueOnAttach: true,
        skipFiles: ["<node_internals>/**"],
      },
    ]);
    expect((await attached)?.pauses).toBeGreaterThan(0);
    expect(up.summary.result).toBe("succeeded");
    expect(up.summary.resourceChanges).toEqual({ create: 2 });
    expect(
      accountResources(world.backendDir)
        .filter((r) => r.stack === "debugged/dev")
        .map((r) => r.name),
    ).toEqual(["debugged"]);
  });

  it("an inline program runs in the SDK's own process, whose language host ignores the flag: no event, the update runs", async () => {
    const stack = await world.stack("inline-debug", "dev", async () => {
      new aws.cloudwatch.LogGroup("inline", { retentionInDays: 7 });
    });
    const events: EngineEvent[] = [];
    const up = await stack.up({ attachDebugger: true, onEvent: (e) => events.push(e) });
    expect(up.summary.result).toBe("succeeded");
    expect(events.filter((e) => e.startDebuggingEvent)).toEqual([]);
    const pre = await stack.preview({ attachDebugger: true });
    expect(pre.changeSummary).toEqual({ same: 2 });
  });
});
