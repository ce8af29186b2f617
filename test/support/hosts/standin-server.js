// The stand-in host: one process for a whole jest run that answers the stand-in `pulumi`'s quick commands (stack
// output, history, select, init, ...: ~1,300 calls a run, each otherwise a node start) on warm worker threads
// (standin-worker.js). test/support/bin/pulumi hands those commands to the compiled client (standin-client.c), which
// speaks the framing described there; operations (up, preview, refresh, destroy, ...) always run as processes of
// their own, since tests interrupt and kill them. Started by jest's globalSetup (hosts.js).
"use strict";
const net = require("node:net");
const { join } = require("node:path");
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
  return { argv, cwd, env };
}

function frame(kind, data) {
  const head = Buffer.alloc(5);
  head[0] = kind;
  head.writeUInt32LE(data.length, 1);
  return Buffer.concat([head, data]);
}

const server = net.createServer((socket) => {
  let received = Buffer.alloc(0);
  socket.on("error", () => undefined);
  socket.on("data", (chunk) => {
    received = Buffer.concat([received, chunk]);
    if (received.length < 4 || received.length < 4 + received.readUInt32LE(0)) return;
    socket.removeAllListeners("data");
    void run(parseRequest(received.subarray(4))).then((result) => {
      const code = Buffer.alloc(4);
      code.writeInt32LE(result.code ?? 255);
      socket.end(
        Buffer.concat([frame(1, Buffer.from(result.stdout)), frame(2, Buffer.from(result.stderr)), frame(3, code)]),
      );
    });
  });
});
server.listen(process.argv[2], () => process.stdout.write("ready\n"));
exitWithParent();
