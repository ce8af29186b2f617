/**
 * `npm run test:aws` only: the smoke run against a real AWS account (docs/smoke.md). The main config matches
 * `*.test.ts`, so `npm test` never runs `*.aws.ts`.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test/aws"],
  testMatch: ["**/*.aws.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "<rootDir>/tsconfig.json", isolatedModules: true, diagnostics: false }],
  },
  modulePathIgnorePatterns: ["<rootDir>/dist/"],
  // A real shared up waits for ACM and NAT, a provision for RDS: well over an hour is possible.
  testTimeout: 2 * 60 * 60 * 1000,
};
