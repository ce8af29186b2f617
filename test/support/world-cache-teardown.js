// jest globalTeardown: removes this run's world cache folder (test/support/world-cache-setup.js made it).
const { rmSync } = require("node:fs");
const { basename } = require("node:path");

module.exports = async function teardown() {
  const dir = process.env.TENANTCTL_TEST_WORLDS;
  if (dir === undefined || dir === "off" || !basename(dir).startsWith("tenantctl-worlds-")) return;
  rmSync(dir, { recursive: true, force: true });
};
