#!/usr/bin/env node
"use strict";
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` via the prepare script, or `npm run build`).
const { join } = require("node:path");
const { existsSync } = require("node:fs");
const entry = join(__dirname, "..", "dist", "cli", "main.js");
if (!existsSync(entry)) {
  process.stderr.write("tenantctl: not built yet; run `npm run build` in the repository first\n");
  process.exit(5);
}
require(entry);
