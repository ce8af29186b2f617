// One worker thread of the stand-in host (standin-server.js): runs one stand-in `pulumi` command at a time
// (dist/test/support/standin/commands.js, the code the node entry runs) as its own process would (thread-io.js), in
// the command's working directory as process.cwd() and path.resolve see it, with the client's pid as process.pid
// (stack locks, the account store's lock and temporary file names carry it, so a killed client leaves them as a killed
// process would).
// An operation (up, preview, refresh, destroy) streams its output as it writes it ({partial: true} messages), takes
// the signals its client receives ({signal}: emitted as process 'SIGINT'/'SIGTERM' to the command's handlers, or, with
// none, the command dies of it as a process would) and is ended where it is when its client goes away ({abort}).
// A command that ends early that way, or calls process.exit (a second SIGINT during an operation), answers at once and
// then ends this thread (the real process.exit of a worker): nothing after the exit runs, as in a process; its gRPC
// servers and clients are force-closed first (worker.terminate() with live HTTP/2 sessions can abort the whole
// host, nodejs/node#38418). A thread also retires after a failed operation and after OPERATIONS_PER_THREAD of them.
"use strict";
const { appendFileSync } = require("node:fs");
const { parentPort } = require("node:worker_threads");
const { join } = require("node:path");
const { constants } = require("node:os");
const { captureOutput, replaceEnv } = require("./thread-io");

const COMMANDS = join(__dirname, "..", "..", "..", "dist", "test", "support", "standin", "commands.js");
const { runStandin, forgetCommandState, abortGrpc, setOwnerCheck } = require(COMMANDS);
const OPERATIONS = new Set(["up", "preview", "refresh", "destroy"]);
const OPERATIONS_PER_THREAD = 50;
const SIGNALS = ["SIGINT", "SIGTERM"];
/** Process events a command may listen to; what it added is removed when it ends. */
const PROCESS_EVENTS = [...SIGNALS, "exit", "beforeExit"];
const output = captureOutput();
let cwd = process.cwd();
process.cwd = () => cwd;
const ownPid = process.pid;
let operations = 0;
/** The command running now: {id, listeners: the process listeners it found, ended}. */
let current;

function setPid(pid) {
  Object.defineProperty(process, "pid", { value: pid, writable: true, enumerable: true, configurable: true });
}

/** Ends the current command now with `answer` ({code} or {signal}), and never returns: see the top of this file. */
function endNow(answer) {
  const command = current;
  if (command === undefined || command.ended) return;
  command.ended = true;
  output.cut();
  abortGrpc();
  parentPort.postMessage({ id: command.id, ...answer, retire: true });
  // process.exit in a worker stops this thread's JavaScript at once (the answer above is delivered first).
  realExit(0);
}

const realExit = process.exit;
process.exit = (code) => {
  if (current === undefined) realExit(code);
  endNow({ code: code ?? process.exitCode ?? 0 });
};

/** Whether the client (the process this command stands for) is gone: killed before the host heard of it. */
function clientGone(pid) {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return error.code === "ESRCH";
  }
}

// Before a write a killed process would not make: a client already gone ends the command there (endNow).
setOwnerCheck(() => {
  if (current !== undefined && current.pid !== undefined && clientGone(current.pid)) endNow({ code: 255 });
});

function control({ id, signal, abort }) {
  if (current === undefined || current.id !== id || current.ended) return;
  if (abort) endNow({ code: 255 });
  else if (SIGNALS.includes(signal)) {
    if (process.listenerCount(signal) > current.listeners[signal].length) process.emit(signal, signal);
    else endNow({ signal: constants.signals[signal] });
  }
}

async function runCommand({ id, argv, cwd: commandCwd, env, pid, stream }) {
  replaceEnv(env);
  cwd = commandCwd;
  setPid(pid ?? ownPid);
  forgetCommandState();
  const listeners = Object.fromEntries(PROCESS_EVENTS.map((event) => [event, process.listeners(event)]));
  current = { id, listeners, ended: false, pid };
  // The call trace test/support/bin/pulumi.js writes (docs/standin.md).
  if (process.env.PULUMI_STANDIN_TRACE_FILE)
    appendFileSync(process.env.PULUMI_STANDIN_TRACE_FILE, `${JSON.stringify(argv)}\n`);
  output.begin(stream ? (key, chunk) => parentPort.postMessage({ id, partial: true, key, chunk }) : undefined);
  const code = await runStandin(argv);
  const { stdout, stderr } = await output.end();
  for (const event of PROCESS_EVENTS) {
    for (const listener of process.listeners(event)) {
      if (!listeners[event].includes(listener)) process.off(event, listener);
    }
  }
  current = undefined;
  const operation = OPERATIONS.has(argv[0]);
  if (operation) operations += 1;
  const retire = operation && (code !== 0 || operations >= OPERATIONS_PER_THREAD);
  parentPort.postMessage({ id, code, stdout, stderr, retire });
}

parentPort.on("message", (message) => {
  if (message.argv !== undefined) void runCommand(message);
  else control(message);
});
