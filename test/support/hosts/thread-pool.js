// Worker threads for the test hosts (cli-server.js, standin-server.js): each job runs on a thread of its own while it
// runs (jobs may overlap); a thread is reused by later jobs, so what it loaded stays warm, and retired after
// `retireAfter` jobs, which bounds what a long run accumulates.
"use strict";
const { Worker } = require("node:worker_threads");

/**
 * run(job, onPartial) posts {id, ...job} to a free thread and resolves with the message it answers {id, ...}; a message
 * {id, partial: true, ...} on the way (streamed output) goes to onPartial instead. The promise's `post(message)` sends
 * {id, ...message} to the job's thread while it runs. A thread that throws or exits instead resolves `crashed(error)` /
 * `exited(code)` and is not reused, nor is one whose answer says `retire: true`.
 */
function threadPool(file, { retireAfter, keepIdle, crashed, exited }) {
  const idle = [];
  let seq = 0;
  const release = (worker) => {
    if (worker.uses >= retireAfter || idle.length >= keepIdle) void worker.terminate();
    else idle.push(worker);
  };
  return function run(job, onPartial) {
    const worker = idle.pop() ?? Object.assign(new Worker(file), { uses: 0 });
    worker.uses += 1;
    const id = (seq += 1);
    let settled = false;
    const answer = new Promise((resolve) => {
      const settle = (result, keep) => {
        settled = true;
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
        if (keep) release(worker);
        else void worker.terminate();
        resolve(result);
      };
      const onMessage = (message) => {
        if (message.id !== id) return;
        if (message.partial) onPartial?.(message);
        else settle(message, !message.retire);
      };
      const onError = (error) => settle(crashed(error), false);
      const onExit = (code) => settle(exited(code), false);
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.on("exit", onExit);
      worker.postMessage({ ...job, id });
    });
    return Object.assign(answer, {
      post(message) {
        if (!settled) worker.postMessage({ ...message, id });
      },
    });
  };
}

/** Ends the process when the jest run that started it closes its stdin (or dies). */
function exitWithParent() {
  process.stdin.on("end", () => process.exit(0));
  process.stdin.on("error", () => process.exit(0));
  process.stdin.resume();
}

module.exports = { threadPool, exitWithParent };
