// jest globalSetup: the run's temp folder first (test/support/run-tmpdir.js), then the world cache inside it
// (test/support/world-cache-setup.js). Both reach the workers through the environment.
const { setupRunTmpdir } = require("./run-tmpdir");
const worldCacheSetup = require("./world-cache-setup");

module.exports = async function setup() {
  setupRunTmpdir();
  await worldCacheSetup();
};
