/**
 * The one door to the Pulumi Automation API: the only cli/ module that loads `@pulumi/pulumi/automation`, and it
 * does so on first use. Loading the SDK takes most of a second, so `--help`, `list` and refused input must never get
 * here; test/cli/import-graph.test.ts and the eslint `no-restricted-imports` rule keep every other value import of
 * `@pulumi/*` out of cli/ (type imports are free: they vanish at compile time).
 */
import type * as Automation from "@pulumi/pulumi/automation";

export type AutomationSdk = typeof Automation;

export function automationSdk(): Promise<AutomationSdk> {
  return import("@pulumi/pulumi/automation");
}
