// The tenant's application secret: the admin token, generated here and stored in Secrets Manager, never an output.
import { randomBytes } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { TenantContext } from "./context";

/** Tenants keep a deleted secret restorable for this long; previews force-delete so a branch can be reopened at once. */
export const TENANT_SECRET_RECOVERY_DAYS = 7;
const ADMIN_TOKEN_BYTES = 32;

export interface TenantSecretsArgs {
  readonly context: TenantContext;
}

/**
 * The token goes in through the write-only `secretStringWo`: Pulumi keeps its first value in state inputs as an
 * encrypted secret, never in outputs, and does not diff it, so each run's fresh random value changes nothing.
 * Only a higher `secretStringWoVersion` writes a new token.
 */
export class TenantSecrets extends pulumi.ComponentResource {
  readonly adminTokenSecretArn: pulumi.Output<string>;

  constructor(name: string, args: TenantSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tenantctl:tenant:TenantSecrets", name, {}, opts);
    const { names, tags, isPreview } = args.context;

    const secret = new aws.secretsmanager.Secret(
      names.adminTokenSecret,
      {
        description: `tenantctl admin token of ${args.context.spec.env}/${args.context.spec.slug}`,
        recoveryWindowInDays: isPreview ? 0 : TENANT_SECRET_RECOVERY_DAYS,
        tags,
      },
      { parent: this },
    );

    new aws.secretsmanager.SecretVersion(
      names.adminTokenSecretVersion,
      {
        secretId: secret.id,
        secretStringWo: pulumi.secret(randomBytes(ADMIN_TOKEN_BYTES).toString("base64url")),
        secretStringWoVersion: 1,
      },
      { parent: this },
    );

    this.adminTokenSecretArn = secret.arn;
    this.registerOutputs({ adminTokenSecretArn: this.adminTokenSecretArn });
  }
}
