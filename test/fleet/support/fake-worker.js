// A stand-in fleet worker for test/fleet/isolated-runner.test.ts. It speaks the pool's protocol (worker-protocol.ts)
// and does what the request's slug says: its part before the first "-" is the mode.
"use strict";
const DONE = "\u001etenantctl-fleet-worker-done ";
const ok = { ok: true, value: { kind: "drift", drifted: [], changes: { same: 3 } } };

function done(id, result, faulted = false) {
  process.stderr.write(`${DONE}${id}\n`);
  process.send({ type: "result", id, result, faulted });
}

let doomed = false;
process.on("disconnect", () => process.exit(0));
process.on("message", ({ id, request }) => {
  if (doomed) {
    // A fault "happened" while idle, before this operation arrived: report it, start nothing, end.
    process.send({ type: "fault", error: "unhandled rejection: left by the previous operation" }, () =>
      process.exit(1),
    );
    return;
  }
  const mode = request.slug.split("-")[0];
  process.stderr.write(`fake worker ${process.pid} got ${request.kind} of ${request.slug}\n`);
  if (mode === "reply") {
    setTimeout(() => {
      process.stderr.write(`progress of ${request.slug}\n`);
      done(id, ok);
    }, 20);
  } else if (mode === "fail") {
    done(id, { ok: false, error: `failed ${request.slug}`, exitCode: 1, hint: null });
  } else if (mode === "reject") {
    // No handler: Node ends the process, as a worker that dies before reporting.
    Promise.reject(new Error(`unhandled error in ${request.slug}`));
  } else if (mode === "faulted") {
    done(id, { ok: false, error: `left an error behind in ${request.slug}`, exitCode: 1, hint: null }, true);
  } else if (mode === "nomarker") {
    process.send({ type: "result", id, result: ok, faulted: false });
  } else if (mode === "idlefault") {
    done(id, ok);
    setTimeout(
      () =>
        process.send({ type: "fault", error: `unhandled rejection: late in ${request.slug}` }, () => process.exit(1)),
      50,
    );
  } else if (mode === "doomed") {
    done(id, ok);
    doomed = true;
  } else if (mode === "hang") {
    process.on("SIGINT", () => process.stderr.write(`cancel requested for ${request.slug}\n`));
  } else if (mode === "stubborn") {
    // Ignores the release and keeps itself alive: only SIGKILL ends it.
    process.removeAllListeners("disconnect");
    setInterval(() => undefined, 1000);
    done(id, ok);
  }
});
