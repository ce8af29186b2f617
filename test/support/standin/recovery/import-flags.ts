import type { FlagSpec } from "../cli/args";

/** The flags `pulumi import <type> <name> <id>` takes here (the real CLI's names); kept apart so main.ts loads little. */
export const IMPORT_FLAGS: FlagSpec = {
  stack: "string", parent: "string", provider: "string", protect: "bool", yes: "bool", "skip-preview": "bool",
  "generate-code": "bool", out: "string", message: "string", file: "string",
};
