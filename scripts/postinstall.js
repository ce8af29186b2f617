// The app (app/) is its own npm package so its container image holds only its own dependencies.
// `npm ci` at the root installs it too, so a fresh clone needs only `npm ci`.
"use strict";
const { spawnSync } = require("node:child_process");
const { existsSync } = require("node:fs");
const { join } = require("node:path");

const appDir = join(__dirname, "..", "app");
if (existsSync(join(appDir, "package-lock.json")) && !process.env.TENANTCTL_SKIP_APP_INSTALL) {
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const res = spawnSync(npm, ["ci", "--no-audit", "--no-fund"], { cwd: appDir, stdio: "inherit" });
  process.exitCode = res.status ?? 1;
}
