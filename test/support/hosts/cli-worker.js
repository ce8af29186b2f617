// One worker thread of the test CLI host (cli-server.js): runs the built CLI's runCli (dist/cli/run.js, the code
// bin/tenantctl.js runs) for one command at a time, as the binary would in a process of its own (thread-io.js): stdin
// empty, stdout and stderr pipes (not TTYs).
"use strict";
const { parentPort } = require("node:worker_threads");
const { join } = require("node:path");
const { Readable } = require("node:stream");
const { captureOutput, replaceEnv } = require("./thread-io");

const DIST = join(__dirname, "..", "..", "..", "dist", "cli");
const { runCli } = require(join(DIST, "run.js"));
const { terminalColumns } = require(join(DIST, "io.js"));
const { forgetCheckedPassphrases } = require(join(DIST, "orchestration", "passphrase.js"));
const output = captureOutput();

parentPort.on("message", async ({ id, argv, cwd, env }) => {
  // The CLI's per-process memo: a process runs one command, so each command here starts without it.
  forgetCheckedPassphrases();
  replaceEnv(env);
  output.begin();
  const io = {
    stdout: output.stdout,
    stderr: output.stderr,
    stdin: Readable.from([]),
    interactive: false,
    env: process.env,
    cwd,
    columns: terminalColumns(process.env, { isTTY: false }),
    onInterrupt: () => () => undefined,
    now: () => new Date(),
  };
  let code;
  try {
    code = await runCli(argv, io);
  } catch (error) {
    // bin/tenantctl.js's answer to a rejected run (cli/main.ts).
    output.stderr.write(`error: internal error: ${String(error)}\n`);
    code = 1;
  }
  const { stdout, stderr } = await output.end();
  parentPort.postMessage({ id, code, stdout: stdout.toString("utf8"), stderr: stderr.toString("utf8") });
});
