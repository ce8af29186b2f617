// jest globalSetup: the run's temp folder first (test/support/run-tmpdir.js), then the world cache inside it
// (test/support/world-cache-setup.js) and the test hosts (test/support/hosts/hosts.js). All reach the workers
// through the environment.
const { setupRunTmpdir } = require("./run-tmpdir");
const worldCacheSetup = require("./world-cache-setup");
const { startHosts } = require("./hosts/hosts");

module.exports = async function setup() {
  setupRunTmpdir();
  await worldCacheSetup();
  await startHosts();
};
