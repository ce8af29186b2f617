/**
 * restore --restore-secrets: brings a torn-down tenant's secrets back from their recovery window with Secrets
 * Manager's RestoreSecret, before its stack is recreated (the tenant program then imports the admin-token secret,
 * keeping the customer's token). The AWS SDK is loaded on first use only. Credentials, region and endpoint come from
 * the SDK's usual chain (AWS_PROFILE, environment, SSO; AWS_ENDPOINT_URL_SECRETS_MANAGER); the region defaults to
 * the one in the secret's ARN.
 */
import { awsErrorShape, isMissingCredentials, isMissingRegion, quietAwsSdkWarnings } from "../aws-sdk";
import type { SecretsManagerClientConfig } from "@aws-sdk/client-secrets-manager";
import { CliError, OperationFailedError, PrerequisiteError } from "../errors";
import type { ReservedSecret } from "./restore-secrets";

export interface RestoredSecret {
  readonly name: string;
  readonly arn: string;
}

function regionOf(arn: string): string | undefined {
  const region = arn.split(":")[3];
  return region !== undefined && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(region) ? region : undefined;
}

/** One line for the operator: what failed, for which secret, and what AWS said (never a secret value: there is none here). */
export function restoreSecretError(error: unknown, secret: ReservedSecret, done: readonly RestoredSecret[]): CliError {
  const aws = awsErrorShape(error);
  const { name } = aws;
  const message = aws.message.split("\n")[0] ?? "";
  const already = done.length === 0 ? "" : `; already restored: ${done.map((s) => s.name).join(", ")}`;
  const details = { secret: secret.name, arn: secret.arn, awsError: name, restored: done };
  const noStack = `no stack was created${already}`;
  if (isMissingCredentials(aws)) {
    return new PrerequisiteError(`no AWS credentials to restore secret ${secret.name} (${noStack})`, {
      hint: "set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or log in with: aws sso login",
      details,
      cause: error,
    });
  }
  if (isMissingRegion(aws)) {
    return new PrerequisiteError(`no AWS region to restore secret ${secret.name} (${noStack})`, {
      hint: "set AWS_REGION",
      details,
      cause: error,
    });
  }
  const hints: Record<string, string> = {
    AccessDeniedException:
      "the caller needs secretsmanager:RestoreSecret on the secret; or restore with --new-secrets (a new admin token)",
    ResourceNotFoundException:
      "the secret is gone (its recovery window has passed, or it was deleted); restore with --new-secrets (a new admin token)",
    InvalidRequestException:
      "Secrets Manager cannot restore the secret in its current state; see it with: aws secretsmanager describe-secret --secret-id <arn>",
  };
  return new OperationFailedError(
    `Secrets Manager RestoreSecret of ${secret.name} failed: ${name}: ${message} (${noStack})`,
    {
      hint: hints[name] ?? `retry, or restore with --new-secrets; the secret: ${secret.arn}`,
      details,
      cause: error,
    },
  );
}

/**
 * RestoreSecret for each secret, in order; stops at the first failure with an error naming the ones already
 * restored. Restoring a secret that is not scheduled for deletion succeeds (a rerun after a failed stack).
 */
export async function restoreSecrets(
  secrets: readonly ReservedSecret[],
  config: SecretsManagerClientConfig = {},
): Promise<RestoredSecret[]> {
  if (secrets.length === 0) return [];
  quietAwsSdkWarnings();
  const sm = await import("@aws-sdk/client-secrets-manager");
  const region = regionOf(secrets[0]?.arn ?? "");
  const client = new sm.SecretsManagerClient({ ...(region === undefined ? {} : { region }), ...config });
  const done: RestoredSecret[] = [];
  try {
    for (const secret of secrets) {
      try {
        const out = await client.send(new sm.RestoreSecretCommand({ SecretId: secret.arn }));
        done.push({ name: out.Name ?? secret.name, arn: out.ARN ?? secret.arn });
      } catch (error: unknown) {
        throw restoreSecretError(error, secret, done);
      }
    }
  } finally {
    client.destroy();
  }
  return done;
}
