/**
 * The tenant program as the orchestration runs it: the options are the tenant program's own (teardown's
 * `releaseProtection` and `--force-delete-secrets`, restore's adopted admin-token secret).
 */
import type { PulumiFn } from "@pulumi/pulumi/automation";
import type { SharedOutputs } from "../../infra/shared/outputs";
import type { TenantSpec } from "../../infra/spec";
import type { TenantProgramOptions } from "../../infra/tenant/program";
import { beforeSdkLoad } from "./pulumi-sdk";

/** The tenant program's own options, passed through unchanged. */
export type TenantRunOptions = TenantProgramOptions;

export async function tenantRunProgram(
  spec: TenantSpec,
  shared: SharedOutputs,
  options: TenantRunOptions = {},
): Promise<PulumiFn> {
  beforeSdkLoad();
  const { tenantProgram } = await import("../../infra/tenant/program");
  return tenantProgram(spec, shared, options);
}
