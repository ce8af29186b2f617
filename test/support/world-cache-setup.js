// jest globalSetup: one folder for this run's world cache (test/support/world-cache.ts), inherited by the workers
// through the environment and removed by world-cache-teardown.js. TENANTCTL_TEST_WORLDS=off turns the cache off;
// TENANTCTL_TEST_WORLDS=<an existing folder> uses (and keeps) that folder, e.g. to measure a file with a warm cache.
const { existsSync, mkdtempSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

module.exports = async function setup() {
  const given = process.env.TENANTCTL_TEST_WORLDS;
  if (given === "off" || (given !== undefined && given !== "" && existsSync(given))) return;
  process.env.TENANTCTL_TEST_WORLDS = mkdtempSync(join(tmpdir(), "tenantctl-worlds-"));
  process.env.TENANTCTL_TEST_WORLDS_OWNED = "1";
};
