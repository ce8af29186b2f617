// A stand-in fleet worker for test/fleet/isolated-runner.test.ts: behaves as FAKE_WORKER_MODE says.
"use strict";
process.once("message", (request) => {
  const mode = process.env.FAKE_WORKER_MODE;
  process.stderr.write(`fake worker got ${request.kind} of ${request.slug}\n`);
  if (mode === "reply") {
    process.send({ ok: true, value: { kind: "drift", drifted: [], changes: { same: 3 } } }, () => process.disconnect());
  } else if (mode === "reject") {
    Promise.reject(new Error(`unhandled error in ${request.slug}`));
  } else if (mode === "linger") {
    process.send({ ok: true, value: { kind: "drift", drifted: [], changes: {} } });
    setInterval(() => undefined, 1000);
  }
});
