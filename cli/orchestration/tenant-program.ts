/**
 * The tenant program as the orchestration runs it. Teardown's first update passes `releaseProtection` to the
 * program; `--force-delete-secrets` is applied here as a stack transformation (SDK-side, so it works with any
 * engine) that sets the secrets' recovery window to 0 before destroy deletes them.
 */
import type { PulumiFn } from "@pulumi/pulumi/automation";
import type { SharedOutputs } from "../../infra/shared/outputs";
import type { TenantSpec } from "../../infra/spec";

export const SECRET_TYPE = "aws:secretsmanager/secret:Secret";

export interface TenantRunOptions {
  /** Teardown's first update: lift deletion protection and `protect` so destroy can proceed. */
  readonly releaseProtection?: boolean;
  /** Teardown with --force-delete-secrets: secrets skip their recovery window. */
  readonly forceDeleteSecrets?: boolean;
}

export async function tenantRunProgram(spec: TenantSpec, shared: SharedOutputs, options: TenantRunOptions = {}): Promise<PulumiFn> {
  const { tenantProgram } = await import("../../infra/tenant/program");
  const program = tenantProgram(spec, shared, { releaseProtection: options.releaseProtection ?? false });
  if (!(options.forceDeleteSecrets ?? false)) return program;
  const pulumi = await import("@pulumi/pulumi");
  return async () => {
    pulumi.runtime.registerStackTransformation((args) =>
      args.type === SECRET_TYPE ? { props: { ...args.props, recoveryWindowInDays: 0 }, opts: args.opts } : undefined,
    );
    return program();
  };
}
