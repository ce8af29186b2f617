// A pool-born tenant's identity (slug, display name, skin) as data the app reads at run time, so claiming a warm
// slot changes one secret and the listener rule, never the task definition (no ECS deployment on the claim's path).
import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import type { TenantSpec } from "../spec";
import type { TenantContext } from "./context";
import { TENANT_SECRET_RECOVERY_DAYS } from "./secrets";

/** What the identity secret holds; the app's reader (app/src/identity.ts) accepts exactly this shape. */
export type IdentityDocument =
  | { readonly state: "unassigned"; readonly tenantId: string }
  | {
      readonly state: "assigned";
      readonly tenantId: string;
      readonly slug: string;
      readonly displayName: string;
      readonly primaryColor: string;
      readonly logoUrl?: string;
    };

/** Pure, so tests check both states without Pulumi; keys in a fixed order so the same spec gives the same text. */
export function identityDocument(spec: TenantSpec): IdentityDocument {
  const tenantId = spec.tenantId ?? spec.slug;
  if (spec.slot === true) return { state: "unassigned", tenantId };
  return {
    state: "assigned",
    tenantId,
    slug: spec.slug,
    displayName: spec.displayName,
    primaryColor: spec.skin.primaryColor,
    ...(spec.skin.logoUrl === undefined ? {} : { logoUrl: spec.skin.logoUrl }),
  };
}

export interface TenantIdentityArgs {
  readonly context: TenantContext;
  /** Teardown with --force-delete-secrets: skip the recovery window like the tenant's other secrets. */
  readonly forceDelete?: boolean;
}

/**
 * The secret is not confidential (it is what the tenant's page shows), but Secrets Manager is what the app already
 * reads with its task role, scoped to exact ARNs; it keeps the tenant's recovery window like its other secrets.
 * A new document is a new SecretVersion (the provider replaces a version whose `secretString` changed): the old
 * version loses AWSCURRENT, and the app's next read gets the new one.
 */
export class TenantIdentity extends pulumi.ComponentResource {
  readonly secretArn: pulumi.Output<string>;

  constructor(name: string, args: TenantIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tenantctl:tenant:TenantIdentity", name, {}, opts);
    const { names, tags, spec, isPreview } = args.context;
    const recoveryWindowInDays = isPreview || args.forceDelete === true ? 0 : TENANT_SECRET_RECOVERY_DAYS;
    const secret = new aws.secretsmanager.Secret(
      names.identitySecret,
      { description: `tenantctl identity of ${names.label}`, recoveryWindowInDays, tags },
      { parent: this },
    );
    new aws.secretsmanager.SecretVersion(
      names.identitySecretVersion,
      { secretId: secret.id, secretString: JSON.stringify(identityDocument(spec)) },
      { parent: this },
    );
    this.secretArn = secret.arn;
    this.registerOutputs({ secretArn: this.secretArn });
  }
}
