// The stand-in host: one process for a whole jest run that runs the stand-in `pulumi`'s quick commands (stack output,
// history, select, init, ...: ~1,300 calls a run) and the Automation API's operations (up, preview, refresh, destroy
// with --client: ~360 a run) on warm worker threads (standin-worker.js), each otherwise a node start and module load.
// test/support/bin/pulumi hands those commands to the compiled client (standin-client.c), which speaks the framing
// described there: an operation's output is streamed as it is written, the signals its client receives are passed
// on to it, and a client that goes away (killed) ends it. What still runs as a process, and why, is in
// test/support/bin/pulumi and docs/standin.md ("The stand-in host"). Started by jest's globalSetup (hosts.js).
"use strict";
const net = require("node:net");
const { join } = require("node:path");
const { constants } = require("node:os");
const { exitWithParent, threadPool } = require("./thread-pool");

const run = threadPool(join(__dirname, "standin-worker.js"), {
  retireAfter: 200,
  keepIdle: 4,
  crashed: (error) => ({
    code: 255,
    stdout: Buffer.alloc(0),
    stderr: Buffer.from(`${error instanceof Error ? error.stack : String(error)}\n`),
  }),
  exited: (code) => ({ code, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) }),
});

function parseRequest(body) {
  let at = 0;
  const u32 = () => {
    const v = body.readUInt32LE(at);
    at += 4;
    return v;
  };
  const str = () => {
    const n = u32();
    const s = body.toString("utf8", at, at + n);
    at += n;
    return s;
  };
  const argv = Array.from({ length: u32() }, str);
  const cwd = str();
  const env = {};
  for (let i = u32(); i > 0; i--) {
    const entry = str();
    const eq = entry.indexOf("=");
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  const pid = u32();
  return { argv, cwd, env, pid };
}

const OPERATIONS = new Set(["up", "preview", "refresh", "destroy"]);
const SIGNAL_NAMES = Object.fromEntries(Object.entries(constants.signals).map(([name, n]) => [n, name]));

function frame(kind, data) {
  const head = Buffer.alloc(5);
  head[0] = kind;
  head.writeUInt32LE(data.length, 1);
  return Buffer.concat([head, data]);
}

const server = net.createServer((socket) => {
  let received = Buffer.alloc(0);
  let job;
  let done = false;
  socket.on("error", () => undefined);
  // The client went away before the answer (killed): the command ends where it is.
  socket.on("close", () => {
    if (!done) job?.post({ abort: true });
  });
  socket.on("data", (chunk) => {
    received = Buffer.concat([received, chunk]);
    if (job === undefined) {
      if (received.length < 4 || received.length < 4 + received.readUInt32LE(0)) return;
      const length = received.readUInt32LE(0);
      const request = parseRequest(received.subarray(4, 4 + length));
      received = received.subarray(4 + length);
      const stream = OPERATIONS.has(request.argv[0]);
      job = run({ ...request, stream }, ({ key, chunk: data }) => {
        if (!done) socket.write(frame(key === "out" ? 1 : 2, Buffer.from(data)));
      });
      void job.then((result) => {
        done = true;
        const value = Buffer.alloc(4);
        value.writeInt32LE(result.signal ?? result.code ?? 255);
        socket.end(
          Buffer.concat([
            frame(1, Buffer.from(result.stdout ?? [])),
            frame(2, Buffer.from(result.stderr ?? [])),
            frame(result.signal === undefined ? 3 : 4, value),
          ]),
        );
      });
    }
    // After the request: signal frames (kind 5, u32 signal number).
    while (received.length >= 5 && received.length >= 5 + received.readUInt32LE(1)) {
      const n = received.readUInt32LE(1);
      if (received[0] === 5 && n === 4) job.post({ signal: SIGNAL_NAMES[received.readUInt32LE(5)] });
      received = received.subarray(5 + n);
    }
  });
});
server.listen(process.argv[2], () => process.stdout.write("ready\n"));
exitWithParent();
