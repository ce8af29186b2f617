// Test-only preload (NODE_OPTIONS=--require <this file>): makes the tenant program of the slugs listed in
// FLEET_TEST_REJECT_SLUGS leave an unhandled promise rejection behind, as a buggy program or dependency would.
// It wraps infra/tenant/program's export when a process loads it, so product code carries no test hook.
"use strict";
const Module = require("node:module");
const slugs = new Set((process.env.FLEET_TEST_REJECT_SLUGS || "").split(",").filter(Boolean));
const originalLoad = Module._load;
Module._load = function load(request, parent, isMain) {
  const exported = originalLoad.apply(this, arguments);
  if (/infra[\\/]tenant[\\/]program(\.js)?$/.test(request) && exported && !exported.__fleetTestWrapped) {
    const original = exported.tenantProgram;
    exported.tenantProgram = (spec, shared, options) => {
      const program = original(spec, shared, options);
      if (!slugs.has(spec.slug)) return program;
      return async () => {
        // Deliberately not awaited or caught: this is the fault under test.
        Promise.reject(new Error(`injected unhandled rejection in the program of ${spec.slug}`));
        await new Promise((resolve) => setTimeout(resolve, 100));
        return program();
      };
    };
    exported.__fleetTestWrapped = true;
  }
  return exported;
};
