// The tenant's application secret: the admin token, generated here and stored in Secrets Manager, never an output.
import { randomBytes } from "node:crypto";
import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import type { TenantContext } from "./context";

/** Tenants keep a deleted secret restorable for this long; previews force-delete so a branch can be reopened at once. */
export const TENANT_SECRET_RECOVERY_DAYS = 7;
const ADMIN_TOKEN_BYTES = 32;

export interface TenantSecretsArgs {
  readonly context: TenantContext;
  /**
   * The run that adopts the tenant's old admin-token secret (`spec.adoptedAdminTokenSecretArn`, brought back from
   * its recovery window by restore): the Secret is imported (Pulumi's `import` option) instead of created.
   */
  readonly importAdoptedSecret?: boolean;
  /** Teardown with --force-delete-secrets: the secret skips its recovery window when destroy deletes it. */
  readonly forceDelete?: boolean;
}

/** The secret's name inside its ARN: `arn:…:secret:<name>-<6 characters Secrets Manager appends>`. */
export function secretNameFromArn(arn: string): string {
  const marker = ":secret:";
  const at = arn.indexOf(marker);
  if (at < 0 || arn.length - at - marker.length < 8) throw new Error(`not a Secrets Manager secret ARN: ${arn}`);
  return arn.slice(at + marker.length, -7);
}

/**
 * The token goes in through the write-only `secretStringWo`: Pulumi keeps its first value in state inputs as an
 * encrypted secret, never in outputs, and does not diff it, so each run's fresh random value changes nothing.
 * Only a higher `secretStringWoVersion` writes a new token.
 *
 * An adopted secret (a restored tenant that kept its old token) is named explicitly after its ARN and has no
 * SecretVersion: its existing value stays current. The same spec gives the same resources with and without the
 * import, so later updates see no change; only the import itself differs (and Pulumi ignores `import` for a
 * resource already in the state).
 */
export class TenantSecrets extends pulumi.ComponentResource {
  readonly adminTokenSecretArn: pulumi.Output<string>;
  /**
   * The app role's credentials (JSON `username`/`password`, the shape the app reads). Created empty: the bootstrap
   * task writes a fresh value (PutSecretValue) on every run, so Pulumi never sees or stores the password.
   */
  readonly appDbSecretArn: pulumi.Output<string>;

  constructor(name: string, args: TenantSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tenantctl:tenant:TenantSecrets", name, {}, opts);
    const { names, tags, isPreview, spec } = args.context;
    const adopted = spec.adoptedAdminTokenSecretArn;
    // tenantProgram refuses an import whose ARN the spec does not record, so importing implies `adopted` is set.

    const recoveryWindowInDays = isPreview || args.forceDelete === true ? 0 : TENANT_SECRET_RECOVERY_DAYS;
    const secret = new aws.secretsmanager.Secret(
      names.adminTokenSecret,
      {
        ...(adopted === undefined ? {} : { name: secretNameFromArn(adopted) }),
        description: `tenantctl admin token of ${spec.env}/${names.component}`,
        recoveryWindowInDays,
        tags,
      },
      // Secrets Manager does not report a secret's recovery window, so the provider cannot read it back on import;
      // ignoring it on the import run keeps the import from failing on that one input (the next update sets it).
      {
        parent: this,
        ...(args.importAdoptedSecret === true && adopted !== undefined
          ? { import: adopted, ignoreChanges: ["recoveryWindowInDays"] }
          : {}),
      },
    );

    if (adopted === undefined) {
      new aws.secretsmanager.SecretVersion(
        names.adminTokenSecretVersion,
        {
          secretId: secret.id,
          secretStringWo: pulumi.secret(randomBytes(ADMIN_TOKEN_BYTES).toString("base64url")),
          secretStringWoVersion: 1,
        },
        { parent: this },
      );
    }

    const appDbSecret = new aws.secretsmanager.Secret(
      names.appDbSecret,
      {
        description: `tenantctl database login of the app role of ${spec.env}/${names.component}`,
        recoveryWindowInDays,
        tags,
      },
      { parent: this },
    );

    this.adminTokenSecretArn = secret.arn;
    this.appDbSecretArn = appDbSecret.arn;
    this.registerOutputs({ adminTokenSecretArn: this.adminTokenSecretArn, appDbSecretArn: this.appDbSecretArn });
  }
}
