import type { FlagSpec } from "./args";

/** Flags shared by up, preview, refresh and destroy, as the Automation API passes them. */
const COMMON: FlagSpec = {
  stack: "string",
  message: "string",
  "expect-no-changes": "bool",
  diff: "bool",
  target: "multi",
  exclude: "multi",
  "target-dependents": "bool",
  "exclude-dependents": "bool",
  parallel: "string",
  "exec-agent": "string",
  "exec-kind": "string",
  "event-log": "string",
  client: "string",
  "suppress-outputs": "bool",
  "suppress-progress": "bool",
  debug: "bool",
  "config-file": "string",
  "run-program": "bool",
  "show-secrets": "bool",
  "show-replacement-steps": "bool",
  "show-sames": "bool",
  json: "bool",
  refresh: "bool",
  "attach-debugger": "bool",
  "continue-on-error": "bool",
};

export const OP_FLAGS: Record<"up" | "preview" | "refresh" | "destroy", FlagSpec> = {
  up: {
    ...COMMON,
    yes: "bool",
    "skip-preview": "bool",
    replace: "multi",
    "policy-pack": "multi",
    "policy-pack-config": "multi",
    plan: "string",
  },
  preview: {
    ...COMMON,
    replace: "multi",
    "policy-pack": "multi",
    "policy-pack-config": "multi",
    "save-plan": "string",
    "import-file": "string",
  },
  refresh: { ...COMMON, yes: "bool", "skip-preview": "bool", "preview-only": "bool", "clear-pending-creates": "bool" },
  destroy: { ...COMMON, yes: "bool", "skip-preview": "bool", "preview-only": "bool", "exclude-protected": "bool" },
};

/** Known flags the stand-in does not implement; passing one fails instead of being ignored. */
export const UNSUPPORTED_OP_FLAGS = [
  "target",
  "exclude",
  "target-dependents",
  "exclude-dependents",
  "policy-pack",
  "policy-pack-config",
  "plan",
  "save-plan",
  "import-file",
  "attach-debugger",
  "config-file",
  "continue-on-error",
  "exclude-protected",
];
