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
  // Most suites wait on child processes (the CLI, the stand-in, PostgreSQL), so two workers use both cores well.
  maxWorkers: 2,
};
