/**
 * The one door to the Pulumi Automation API: the only cli/ module that loads `@pulumi/pulumi/automation`, and it
 * does so on first use. Loading the SDK takes most of a second, so `--help`, `list` and refused input must never get
 * here; test/cli/import-graph.test.ts and the eslint `no-restricted-imports` rule keep every other value import of
 * `@pulumi/*` out of cli/ (type imports are free: they vanish at compile time).
 *
 * Before the first load it defers the two packages the SDK requires only for closure serialization (typescript and
 * @npmcli/arborist: ~0.55 of its ~0.92 CPU-s, see sdk-deferred-deps.ts). The program loaders (tenant and shared
 * programs, synth, the shared preview), which load `@pulumi/pulumi` and `@pulumi/aws` themselves, call
 * `beforeSdkLoad()` for the same reason: whichever loads first, the deferral is in place. It also stops the SDK from
 * formatting a stack trace for every promise a program makes (sdk-promise-stacks.ts).
 */
import type * as Automation from "@pulumi/pulumi/automation";
import { deferSdkClosureDependencies } from "./sdk-deferred-deps";
import { lightenPromiseStacks } from "./sdk-promise-stacks";

export type AutomationSdk = typeof Automation;

/** What must happen before `@pulumi/pulumi` first loads in this process; cheap and idempotent. */
export function beforeSdkLoad(): void {
  deferSdkClosureDependencies();
  lightenPromiseStacks();
}

export function automationSdk(): Promise<AutomationSdk> {
  beforeSdkLoad();
  return import("@pulumi/pulumi/automation");
}
