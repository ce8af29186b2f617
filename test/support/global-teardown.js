// jest globalTeardown: the test hosts, the world cache, then the run's temp folder with whatever the tests left in it.
const { teardownRunTmpdir } = require("./run-tmpdir");
const worldCacheTeardown = require("./world-cache-teardown");
const { stopHosts } = require("./hosts/hosts");

module.exports = async function teardown() {
  await stopHosts();
  await worldCacheTeardown();
  teardownRunTmpdir();
};
