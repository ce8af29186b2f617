/**
 * A tenant's stack in the backend: opening its workspace with the tenant program, and reading the spec it
 * was deployed with (its `spec` output — the source of truth — else the tenant index).
 */
import type { LocalWorkspace, OutputMap, Stack } from "@pulumi/pulumi/automation";
import type { SharedOutputs } from "../../infra/shared/outputs";
import type { TenantSpec } from "../../infra/spec";
import { plainOutputs } from "./shared-stack";
import type { EngineSession } from "./session";
import { readIndexEntry } from "../store/tenant-index";
import { tenantRunProgram, type TenantRunOptions } from "./tenant-program";
import { createOrSelect, ensureRegion, openWorkspace, outputsWithSecretFlags, selectExisting } from "./workspace";
import { tenantNames } from "../../infra/naming";
import { specFromOutputs } from "../../infra/tenant/outputs";

export interface TenantTarget {
  readonly project: string;
  readonly stack: string;
  readonly slug: string;
  readonly env: string;
}

export function tenantTarget(slug: string, env: string): TenantTarget {
  const names = tenantNames({ slug, env, preview: undefined, generation: 1 });
  return { project: names.project, stack: names.stack, slug, env };
}

export interface StoredTenant {
  readonly spec: TenantSpec;
  readonly outputs: Record<string, unknown>;
  /**
   * The outputs with which ones are secret, when read `withSecretFlags` (the SDK's two `pulumi stack output` calls);
   * otherwise read with one call and every value marked secret (cli/orchestration/workspace.ts).
   */
  readonly outputMap: OutputMap;
  /** Selected once: openTenantStack takes it over rather than selecting the stack again. */
  readonly stack: Stack;
  readonly workspace: LocalWorkspace;
}

/**
 * The deployed tenant, or undefined when its stack does not exist (or has never completed an update). Only a caller that
 * shows outputs needs `withSecretFlags` (one `pulumi` process more).
 */
export async function readStoredTenant(
  session: EngineSession,
  target: TenantTarget,
  options: { readonly withSecretFlags?: boolean } = {},
): Promise<StoredTenant | undefined> {
  const workspace = await openWorkspace(session.workspace, target.project, undefined);
  const stack = await selectExisting(workspace, target.stack);
  if (stack === undefined) return undefined;
  const outputMap =
    options.withSecretFlags === true ? await outputsWithSecretFlags(workspace, target.stack) : await stack.outputs();
  const outputs = plainOutputs(outputMap);
  if (outputs.spec !== undefined) {
    return { spec: specFromOutputs(outputs), outputs, outputMap, stack, workspace };
  }
  // A stack whose first update failed has no outputs yet; the index remembers what was asked for.
  const entry = await readIndexEntry(session.store, target.project, target.stack);
  return entry === undefined ? undefined : { spec: entry.spec, outputs, outputMap, stack, workspace };
}

/**
 * The tenant's stack with its program, created when it does not exist. `stored` is what readStoredTenant found for
 * this same stack in this command: its selected stack is reused (with the program set) instead of selected again.
 */
export async function openTenantStack(
  session: EngineSession,
  target: TenantTarget,
  spec: TenantSpec,
  shared: SharedOutputs,
  options: TenantRunOptions = {},
  stored?: { readonly stack: Stack; readonly workspace: LocalWorkspace },
): Promise<{ workspace: LocalWorkspace; stack: Stack; created: boolean }> {
  const program = await tenantRunProgram(spec, shared, options);
  let workspace: LocalWorkspace;
  let existing: Stack | undefined;
  if (stored !== undefined && stored.stack.name === target.stack) {
    workspace = stored.workspace;
    workspace.program = program;
    existing = stored.stack;
  } else {
    workspace = await openWorkspace(session.workspace, target.project, program);
    existing = await selectExisting(workspace, target.stack);
  }
  const stack = existing ?? (await createOrSelect(workspace, target.stack));
  await ensureRegion(stack, shared.region);
  return { workspace, stack, created: existing === undefined };
}

/** Fields an operator chooses; the rest (priority, generation, load balancer) are allocated by tenantctl. */
export const USER_FIELDS = [
  "displayName",
  "tier",
  "skin.primaryColor",
  "skin.logoUrl",
  "owner",
  "image",
  "pinnedImage",
] as const;

function field(spec: TenantSpec, path: string): unknown {
  return path.split(".").reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], spec);
}

/** `field: old → new` for every operator-chosen field that differs. */
export function specDiff(from: TenantSpec, to: TenantSpec, fields: readonly string[] = USER_FIELDS): string[] {
  return fields
    .filter((path) => JSON.stringify(field(from, path)) !== JSON.stringify(field(to, path)))
    .map(
      (path) =>
        `${path}: ${JSON.stringify(field(from, path)) ?? "(none)"} → ${JSON.stringify(field(to, path)) ?? "(none)"}`,
    );
}
