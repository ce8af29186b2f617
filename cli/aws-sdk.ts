/**
 * What tenantctl's AWS SDK clients (S3 records, Service Quotas, Secrets Manager) share: quieting the SDK before it
 * loads, and reading the errors it throws.
 */

/**
 * Before loading an AWS SDK client. The pinned SDK prints an 8-line NodeVersionSupportWarning on Node < 22 (about
 * SDK releases after January 2027) on every command's stderr; tenantctl supports Node >= 20 (package.json engines)
 * and pins the SDK, so that is noise. An explicit setting by the operator wins.
 */
export function quietAwsSdkWarnings(env: NodeJS.ProcessEnv = process.env): void {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
}

export interface AwsErrorShape {
  /** The service's error code (`AccessDenied`, `NoSuchBucket`, …) or the SDK's error class name. */
  readonly name: string;
  readonly status: number | undefined;
  readonly message: string;
}

/** The code, HTTP status and message of whatever an SDK call threw. */
export function awsErrorShape(error: unknown): AwsErrorShape {
  const e = (typeof error === "object" && error !== null ? error : {}) as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  const name =
    typeof e.name === "string" && e.name !== "Error"
      ? e.name
      : typeof e.code === "string"
        ? e.code
        : String(e.name ?? "Error");
  return {
    name,
    status: e.$metadata?.httpStatusCode,
    message: typeof e.message === "string" ? e.message : String(error),
  };
}

/** The SDK found no credentials in its chain. */
export const isMissingCredentials = (e: AwsErrorShape): boolean =>
  e.name === "CredentialsProviderError" || /could not load credentials/i.test(e.message);

/** The SDK has no region to call. */
export const isMissingRegion = (e: AwsErrorShape): boolean => /region is missing/i.test(e.message);
