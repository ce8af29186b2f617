// jest globalTeardown: removes the world cache folder world-cache-setup.js made for this run (not a folder given).
const { rmSync } = require("node:fs");

module.exports = async function teardown() {
  const dir = process.env.TENANTCTL_TEST_WORLDS;
  if (process.env.TENANTCTL_TEST_WORLDS_OWNED !== "1" || dir === undefined) return;
  rmSync(dir, { recursive: true, force: true });
};
