// jest globalSetup: one folder for this run's world cache (test/support/world-cache.ts), inherited by the workers
// through the environment. TENANTCTL_TEST_WORLDS=off in the environment turns the cache off.
const { mkdtempSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

module.exports = async function setup() {
  if (process.env.TENANTCTL_TEST_WORLDS === "off") return;
  process.env.TENANTCTL_TEST_WORLDS = mkdtempSync(join(tmpdir(), "tenantctl-worlds-"));
};
