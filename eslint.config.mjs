import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "dist/",
      "app/node_modules/",
      "app/dist/",
      "coverage/",
      "**/*.js",
      "**/*.mjs",
      "**/*.cjs",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/prefer-nullish-coalescing": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-properties": [
        "error",
        { object: "process", property: "exit", message: "Only cli/main.ts may exit; throw a typed error instead." },
      ],
    },
  },
  {
    files: ["cli/main.ts", "test/support/**/*.ts", "bench/**/*.ts", "app/src/main.ts"],
    rules: { "no-restricted-properties": "off" },
  },
  {
    // `--help`, `list` and refused input must not load the Pulumi SDK or the AWS SDK: in cli/ they are reached only
    // through dynamic import() (cli/orchestration/pulumi-sdk.ts, the program loaders, the AWS clients), which this
    // rule does not see. Type imports vanish at compile time and stay allowed. test/cli/import-graph.test.ts checks
    // the whole static graph, including what infra/ modules pull in.
    files: ["cli/**/*.ts"],
    rules: {
      "no-restricted-imports": "off",
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@pulumi/*", "@aws-sdk/*"],
              allowTypeImports: true,
              message:
                "Load it lazily (await import in the module that needs it; the Automation API via cli/orchestration/pulumi-sdk.ts).",
            },
            {
              group: ["**/infra/tenant/program", "**/infra/shared/program", "**/infra/sim/synth"],
              allowTypeImports: true,
              message: "Programs load @pulumi/*: import them lazily.",
            },
          ],
        },
      ],
    },
  },
);
