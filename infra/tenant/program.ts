// The tenant program: one validated spec plus the shared stack's outputs in, one customer's resources out.
import * as pulumi from "@pulumi/pulumi";
import type { SharedOutputs } from "../shared/outputs";
import type { TenantSpec } from "../spec";
import { tenantContext, type TenantContext } from "./context";
import { TenantBootstrap } from "./bootstrap";
import { TenantDatabase } from "./database";
import { TenantIdentity } from "./identity";
import type { TenantOutputs } from "./outputs";
import { TenantRouting } from "./routing";
import { TenantSecrets } from "./secrets";
import { TenantService } from "./service";

/** Stack outputs as the program returns them: each key of TenantOutputs, its value possibly not yet known. */
export type TenantStackOutputs = { readonly [K in keyof TenantOutputs]: pulumi.Input<TenantOutputs[K]> };

export interface TenantProgramOptions {
  /**
   * Teardown's first step: an `up` with this set lifts RDS deletion protection and Pulumi's `protect`, so the
   * following `destroy` can delete the database (taking the final snapshot). Never set for a normal update.
   */
  readonly releaseProtection?: boolean;
  /**
   * Restore with --restore-secrets: the tenant's old admin-token secret, back from its recovery window, is imported
   * (Pulumi's `import` option) rather than created, and no new token is written. The spec must record the same ARN
   * in `adoptedAdminTokenSecretArn`: that keeps later runs (without this option) on the same resources.
   */
  readonly adoptAdminTokenSecret?: { readonly arn: string };
  /** Teardown with --force-delete-secrets (and preview destroy): secrets skip their recovery window on delete. */
  readonly forceDeleteSecrets?: boolean;
}

/**
 * The inline program for the Automation API (and `synthesize`). Checks that the spec fits the shared stack before
 * creating anything, so a mismatch fails the run without touching AWS.
 */
export function tenantProgram(
  spec: TenantSpec,
  shared: SharedOutputs,
  options: TenantProgramOptions = {},
): () => Promise<TenantStackOutputs> {
  const adopt = options.adoptAdminTokenSecret;
  if (adopt !== undefined && adopt.arn !== spec.adoptedAdminTokenSecretArn) {
    throw new Error(
      `adoptAdminTokenSecret ${adopt.arn} must be recorded in the spec (adoptedAdminTokenSecretArn is ${spec.adoptedAdminTokenSecretArn ?? "unset"})`,
    );
  }
  return async () => {
    const ctx = tenantContext(spec, shared);
    return buildTenant(options.releaseProtection === true ? { ...ctx, protectData: false } : ctx, options);
  };
}

function buildTenant(ctx: TenantContext, options: TenantProgramOptions): TenantStackOutputs {
  const name = ctx.names.component;
  const secrets = new TenantSecrets(name, {
    context: ctx,
    importAdoptedSecret: options.adoptAdminTokenSecret !== undefined,
    forceDelete: options.forceDeleteSecrets === true,
  });
  // Only pool-born tenants: a tenant from before the pool gets no new resource (its preview shows no change).
  const identity = ctx.runtimeIdentity
    ? new TenantIdentity(name, { context: ctx, forceDelete: options.forceDeleteSecrets === true })
    : undefined;
  const routing = new TenantRouting(name, { context: ctx });
  const database = new TenantDatabase(name, { context: ctx, clientSecurityGroupId: routing.serviceSecurityGroupId });
  const bootstrap = new TenantBootstrap(name, {
    context: ctx,
    securityGroupId: routing.serviceSecurityGroupId,
    database: { address: database.address, port: database.port, masterSecretArn: database.masterSecretArn },
    appDbSecretArn: secrets.appDbSecretArn,
    after: [database],
  });
  const service = new TenantService(name, {
    context: ctx,
    securityGroupId: routing.serviceSecurityGroupId,
    targetGroupArn: routing.targetGroupArn,
    listenerRule: routing.listenerRule,
    database: { address: database.address, port: database.port },
    appDbSecretArn: secrets.appDbSecretArn,
    adminTokenSecretArn: secrets.adminTokenSecretArn,
    ...(identity === undefined ? {} : { identitySecretArn: identity.secretArn }),
    bootstrap: bootstrap.invocation,
  });

  return {
    url: ctx.url,
    host: ctx.host,
    spec: ctx.spec,
    image: ctx.image,
    databaseIdentifier: database.identifier,
    databaseEndpoint: database.endpoint,
    databaseSecretArn: database.masterSecretArn,
    adminTokenSecretArn: secrets.adminTokenSecretArn,
    // Absent rather than undefined for previews: Pulumi warns about undefined stack outputs.
    ...(ctx.names.finalSnapshotIdentifier === undefined
      ? {}
      : { finalSnapshotIdentifier: ctx.names.finalSnapshotIdentifier }),
    listenerPriority: ctx.spec.listenerPriority,
    loadBalancer: ctx.loadBalancer.id,
    clusterName: ctx.shared.clusterName,
    serviceName: service.serviceName,
    targetGroupArn: routing.targetGroupArn,
  };
}
