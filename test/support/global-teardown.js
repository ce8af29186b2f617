// jest globalTeardown: the world cache, then the run's temp folder with whatever the tests left in it.
const { teardownRunTmpdir } = require("./run-tmpdir");
const worldCacheTeardown = require("./world-cache-teardown");

module.exports = async function teardown() {
  await worldCacheTeardown();
  teardownRunTmpdir();
};
