#!/usr/bin/env node
// The stand-in `pulumi` for tests (docs/standin.md), started by the shell launcher `pulumi` beside it for every call but
// a bare `pulumi version`. It runs the compiled TypeScript in dist/, so `npm run build` first.
"use strict";
const path = require("node:path");
// Test-only trace of the calls (docs/standin.md): one JSON array of this invocation's arguments per line.
if (process.env.PULUMI_STANDIN_TRACE_FILE) {
  require("node:fs").appendFileSync(
    process.env.PULUMI_STANDIN_TRACE_FILE,
    `${JSON.stringify(process.argv.slice(2))}\n`,
  );
}
const entry = path.join(__dirname, "..", "..", "..", "dist", "test", "support", "standin", "main.js");
try {
  require.resolve(entry);
} catch {
  process.stderr.write(
    `error: the tenantctl test stand-in is not built (${entry} is missing); run \`npm run build\` in the repository root\n`,
  );
  process.exit(255);
}
require(entry);
