import { GetSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { z } from "zod";

/** Raised when a secret exists but its contents are not what the app expects. Never carries the secret value. */
export class SecretFormatError extends Error {
  constructor(arn: string, what: string) {
    super(`secret ${arn}: ${what}`);
    this.name = "SecretFormatError";
  }
}

export interface DbCredentials {
  readonly username: string;
  readonly password: string;
}

// The app role's secret (written by the bootstrap) and RDS-managed master secrets are JSON {"username","password"}
// (the latter plus engine/host for some versions).
const RdsSecretSchema = z.object({ username: z.string().min(1), password: z.string().min(1) });

async function secretString(client: SecretsManagerClient, arn: string): Promise<string> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
  if (out.SecretString === undefined)
    throw new SecretFormatError(arn, "has no SecretString (binary secrets are not supported)");
  return out.SecretString;
}

export async function readDbCredentials(client: SecretsManagerClient, arn: string): Promise<DbCredentials> {
  let json: unknown;
  try {
    json = JSON.parse(await secretString(client, arn));
  } catch (err) {
    if (err instanceof SyntaxError) throw new SecretFormatError(arn, "SecretString is not JSON");
    throw err;
  }
  const parsed = RdsSecretSchema.safeParse(json);
  if (!parsed.success)
    throw new SecretFormatError(arn, "SecretString must be JSON with non-empty username and password");
  return parsed.data;
}

/** The admin token secret's SecretString is the raw token itself (not JSON); surrounding whitespace is ignored. */
export async function readAdminToken(client: SecretsManagerClient, arn: string): Promise<string> {
  const token = (await secretString(client, arn)).trim();
  if (token.length < 16) throw new SecretFormatError(arn, "admin token must be at least 16 characters");
  return token;
}

/**
 * Caches the database credentials and re-reads them on demand. RDS rotates the managed password every 7 days;
 * connections opened after a rotation must use the new one, so a login failure calls `invalidate()`.
 * Concurrent callers share one in-flight read.
 */
export class RotatingCredentials {
  private current: Promise<DbCredentials> | undefined;
  private reads = 0;

  constructor(private readonly load: () => Promise<DbCredentials>) {}

  get(): Promise<DbCredentials> {
    if (this.current === undefined) {
      this.reads += 1;
      const pending = this.load();
      // A failed read must not be cached, or the app could never recover once Secrets Manager is reachable again.
      pending.catch(() => {
        if (this.current === pending) this.current = undefined;
      });
      this.current = pending;
    }
    return this.current;
  }

  invalidate(): void {
    this.current = undefined;
  }

  /** How many times the secret was fetched; exposed for logs and tests. */
  get readCount(): number {
    return this.reads;
  }
}
