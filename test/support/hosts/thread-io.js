// What a worker thread of the test hosts gives the command it runs, so the command sees what its own process would:
// process.env is the command's env and nothing else, and whatever it writes to process.stdout/process.stderr (or to
// the streams given to it) is its output, in order: kept until the command ends, or handed on as it is written
// (streamed). Writes after a command ended are dropped, as a process's exit cuts them.
"use strict";
const { Writable } = require("node:stream");

// A worker thread's process.env is its own copy, but os.homedir() asks the process's real environment: make it read
// the command's HOME, as it would in the command's own process.
const os = require("node:os");
const realHomedir = os.homedir;
os.homedir = () => process.env.HOME || realHomedir();

function replaceEnv(env) {
  for (const key of Object.keys(process.env)) delete process.env[key];
  Object.assign(process.env, env);
}

function captureOutput() {
  let current;
  const sink = (key) =>
    new Writable({
      write(chunk, _encoding, callback) {
        if (current?.stream !== undefined) current.stream(key, chunk);
        else if (current !== undefined) current[key].push(chunk);
        callback();
      },
    });
  const stdout = sink("out");
  const stderr = sink("err");
  process.stdout.write = (chunk, encoding, callback) => stdout.write(chunk, encoding, callback);
  process.stderr.write = (chunk, encoding, callback) => stderr.write(chunk, encoding, callback);
  return {
    stdout,
    stderr,
    /** Starts capturing a command's output; with `stream(key, chunk)` ("out" or "err"), each write goes there. */
    begin(stream) {
      current = { out: [], err: [], stream };
    },
    /** Drops whatever the command that began last writes from now on (it is being ended). */
    cut() {
      current = undefined;
    },
    /** The output of the command that began last, once the writes it made have landed. */
    async end() {
      await new Promise((resolve) => setImmediate(resolve));
      const done = current ?? { out: [], err: [] };
      current = undefined;
      return { stdout: Buffer.concat(done.out), stderr: Buffer.concat(done.err) };
    },
  };
}

module.exports = { captureOutput, replaceEnv };
