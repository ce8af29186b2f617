/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test", "<rootDir>/app/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    // Type checking is `npm run typecheck`; here we only transpile, which keeps the suite fast.
    "^.+\\.ts$": ["ts-jest", { tsconfig: "<rootDir>/tsconfig.json", isolatedModules: true, diagnostics: false }],
  },
  modulePathIgnorePatterns: ["<rootDir>/dist/"],
  testTimeout: 120000,
  // On a fresh clone (no timings cached yet) the end-to-end files start first, so none of them runs alone at the end.
  // The run's temp folder, in memory where the machine allows (test/support/run-tmpdir.js), and in it one folder of
  // prepared end-to-end worlds (test/support/world-cache.ts); both removed at the end.
  globalSetup: "<rootDir>/test/support/global-setup.js",
  globalTeardown: "<rootDir>/test/support/global-teardown.js",
  testSequencer: "<rootDir>/test/support/slow-first-sequencer.js",
  // Most suites wait on child processes (the CLI, the stand-in, PostgreSQL), so two workers use both cores well.
  maxWorkers: 2,
};
