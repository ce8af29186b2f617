import { synthesize, type SynthResource, type SynthResult } from "../../infra/sim/synth";
import type { SharedOutputs } from "../../infra/shared/outputs";
import type { TenantSpec } from "../../infra/spec";
import { tenantProgram, type TenantProgramOptions } from "../../infra/tenant/program";
import { tenantNames } from "../../infra/naming";
import { ACCOUNT, sharedOutputs } from "./fixtures";

export function synthTenant(
  spec: TenantSpec,
  shared: SharedOutputs = sharedOutputs(),
  options?: TenantProgramOptions,
): Promise<SynthResult> {
  const names = tenantNames(spec);
  return synthesize(tenantProgram(spec, shared, options), { project: names.project, stack: names.stack, ctx: ACCOUNT });
}

/** The one resource of this type (and name, when given); fails the test when there is not exactly one. */
export function one(result: SynthResult, type: string, name?: string): SynthResource {
  const found = result.resources.filter((r) => r.type === type && (name === undefined || r.name === name));
  if (found.length !== 1) throw new Error(`expected one ${type} ${name ?? ""}, found ${found.length}`);
  return found[0] as SynthResource;
}

export function all(result: SynthResult, type: string): SynthResource[] {
  return result.resources.filter((r) => r.type === type);
}

/** Inputs with secret values masked: what may be compared, printed or stored. */
export function publicInputs(r: SynthResource): Record<string, unknown> {
  return Object.fromEntries(Object.entries(r.inputs).map(([k, v]) => [k, r.secretInputs.includes(k) ? "[secret]" : v]));
}

export function policyOf(r: SynthResource, field: string): { Statement: Record<string, unknown>[] } {
  const raw = r.inputs[field];
  return JSON.parse(typeof raw === "string" ? raw : JSON.stringify(raw)) as { Statement: Record<string, unknown>[] };
}
