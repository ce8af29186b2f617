/**
 * The tenant program as the orchestration runs it: the options are the tenant program's own (teardown's
 * `releaseProtection` and `--force-delete-secrets`, restore's adopted admin-token secret).
 */
import type { PulumiFn } from "@pulumi/pulumi/automation";
import type { SharedOutputs } from "../../infra/shared/outputs";
import type { TenantSpec } from "../../infra/spec";

export interface TenantRunOptions {
  /** Teardown's first update: lift deletion protection and `protect` so destroy can proceed. */
  readonly releaseProtection?: boolean;
  /** Teardown with --force-delete-secrets, preview destroy: secrets skip their recovery window. */
  readonly forceDeleteSecrets?: boolean;
  /** Restore with --restore-secrets: import the restored admin-token secret (the spec records the same ARN). */
  readonly adoptAdminTokenSecret?: { readonly arn: string };
}

export async function tenantRunProgram(spec: TenantSpec, shared: SharedOutputs, options: TenantRunOptions = {}): Promise<PulumiFn> {
  const { tenantProgram } = await import("../../infra/tenant/program");
  return tenantProgram(spec, shared, {
    releaseProtection: options.releaseProtection ?? false,
    forceDeleteSecrets: options.forceDeleteSecrets ?? false,
    ...(options.adoptAdminTokenSecret === undefined ? {} : { adoptAdminTokenSecret: options.adoptAdminTokenSecret }),
  });
}
