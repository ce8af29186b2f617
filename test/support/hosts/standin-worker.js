// One worker thread of the stand-in host (standin-server.js): runs one stand-in `pulumi` command at a time
// (dist/test/support/standin/commands.js, the code the node entry runs) as its own process would (thread-io.js), in
// the command's working directory as process.cwd() and path.resolve see it.
"use strict";
const { appendFileSync } = require("node:fs");
const { parentPort } = require("node:worker_threads");
const { join } = require("node:path");
const { captureOutput, replaceEnv } = require("./thread-io");

const COMMANDS = join(__dirname, "..", "..", "..", "dist", "test", "support", "standin", "commands.js");
const { runStandin, forgetCommandState } = require(COMMANDS);
const output = captureOutput();
let cwd = process.cwd();
process.cwd = () => cwd;

parentPort.on("message", async ({ id, argv, cwd: commandCwd, env }) => {
  replaceEnv(env);
  cwd = commandCwd;
  await forgetCommandState();
  // The call trace test/support/bin/pulumi.js writes (docs/standin.md).
  if (process.env.PULUMI_STANDIN_TRACE_FILE)
    appendFileSync(process.env.PULUMI_STANDIN_TRACE_FILE, `${JSON.stringify(argv)}\n`);
  output.begin();
  const code = await runStandin(argv);
  const { stdout, stderr } = await output.end();
  parentPort.postMessage({ id, code, stdout, stderr });
});
