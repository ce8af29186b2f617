/**
 * The account's applied quotas from AWS Service Quotas (GetServiceQuota, falling back to GetAWSDefaultServiceQuota
 * when the account has no applied value), for `tenantctl capacity`; codes in capacity-math.ts (QUOTA_CODES).
 *
 * Called only when credentials are plausibly configured (credentialsPlausible), with the instance metadata service
 * turned off for this process so a laptop never waits on 169.254.169.254, and within one overall timeout. Every failure
 * (AccessDenied, network, timeout, no credentials after all) comes back as `{ ok: false, reason }` for the caller to
 * warn about and fall back. The SDK is loaded here, lazily, only on this path.
 *
 * The values read are cached in the record store (`quotas/<region>.json`, with fetchedAt): provision and restore use
 * that cache and never call AWS themselves, so their pre-check stays fast and works offline.
 */
import { quietAwsSdkWarnings } from "../aws-sdk";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { RecordStore } from "../store/records";
import { QUOTA_CODES, type Quotas } from "./capacity-math";

/** Service code of each limit; IAM's quota is global (Service Quotas serves it from the partition's main region). */
const SERVICE: Readonly<Record<keyof Quotas, string>> = {
  rdsInstances: "rds",
  iamRoles: "iam",
  targetGroupsPerAlb: "elasticloadbalancing",
  listenerRulesPerAlb: "elasticloadbalancing",
};
const GLOBAL: ReadonlySet<keyof Quotas> = new Set(["iamRoles"]);

export const SERVICE_QUOTAS_TIMEOUT_MS = 3000;

/** Whether AWS credentials are configured at all: the variables and files the SDK's default chain reads. */
export function credentialsPlausible(env: NodeJS.ProcessEnv): boolean {
  const set = (name: string): boolean => (env[name] ?? "") !== "";
  if (
    [
      "AWS_ACCESS_KEY_ID",
      "AWS_PROFILE",
      "AWS_WEB_IDENTITY_TOKEN_FILE",
      "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
      "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ].some(set)
  )
    return true;
  const home = env.HOME ?? env.USERPROFILE ?? homedir();
  const files = [
    env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, ".aws", "credentials"),
    env.AWS_CONFIG_FILE ?? join(home, ".aws", "config"),
  ];
  return files.some((file) => existsSync(file));
}

/** The region Service Quotas answers global quotas in, for a regional endpoint's partition. */
function globalRegion(region: string): string {
  if (region.startsWith("cn-")) return "cn-north-1";
  if (region.startsWith("us-gov-")) return "us-gov-west-1";
  return "us-east-1";
}

export type ServiceQuotasRead =
  | { readonly ok: true; readonly values: Partial<Quotas>; readonly fetchedAt: string }
  | { readonly ok: false; readonly reason: string };

function describe(error: unknown): string {
  if (error instanceof Error)
    return `${error.name === "Error" ? "" : `${error.name}: `}${error.message.split("\n")[0] ?? ""}`.trim();
  return String(error);
}

export async function readServiceQuotas(
  region: string,
  now: Date,
  timeoutMs = SERVICE_QUOTAS_TIMEOUT_MS,
): Promise<ServiceQuotasRead> {
  // The default credential chain ends at the EC2 instance metadata service; never probe it from here.
  if (process.env.AWS_EC2_METADATA_DISABLED === undefined) process.env.AWS_EC2_METADATA_DISABLED = "true";
  quietAwsSdkWarnings();
  const sdk = await import("@aws-sdk/client-service-quotas");
  const abort = new AbortController();
  const client = (r: string): InstanceType<typeof sdk.ServiceQuotasClient> =>
    new sdk.ServiceQuotasClient({
      region: r,
      maxAttempts: 2,
      requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs },
    });
  const regional = client(region);
  const global = globalRegion(region) === region ? regional : client(globalRegion(region));
  const one = async (key: keyof Quotas): Promise<[keyof Quotas, number | undefined]> => {
    const c = GLOBAL.has(key) ? global : regional;
    const input = { ServiceCode: SERVICE[key], QuotaCode: QUOTA_CODES[key] };
    try {
      return [key, (await c.send(new sdk.GetServiceQuotaCommand(input), { abortSignal: abort.signal })).Quota?.Value];
    } catch (error: unknown) {
      if (!(error instanceof sdk.NoSuchResourceException)) throw error;
    }
    try {
      return [
        key,
        (await c.send(new sdk.GetAWSDefaultServiceQuotaCommand(input), { abortSignal: abort.signal })).Quota?.Value,
      ];
    } catch (error: unknown) {
      if (error instanceof sdk.NoSuchResourceException) return [key, undefined];
      throw error;
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(new Error(`no answer within ${timeoutMs / 1000} s`));
    }, timeoutMs);
  });
  try {
    const keys = Object.keys(SERVICE) as (keyof Quotas)[];
    const answers = await Promise.race([Promise.all(keys.map(one)), timeout]);
    const values: Partial<Record<keyof Quotas, number>> = {};
    for (const [key, value] of answers)
      if (typeof value === "number" && Number.isFinite(value) && value >= 0) values[key] = value;
    return { ok: true, values, fetchedAt: now.toISOString() };
  } catch (error: unknown) {
    return { ok: false, reason: describe(error) };
  } finally {
    clearTimeout(timer);
    abort.abort();
    regional.destroy();
    if (global !== regional) global.destroy();
  }
}

export interface CachedQuotas {
  readonly region: string;
  readonly fetchedAt: string;
  readonly values: Partial<Quotas>;
}

const cacheKey = (region: string): string => `quotas/${region}.json`;

export async function readCachedQuotas(store: RecordStore, region: string): Promise<CachedQuotas | undefined> {
  const cached = await store.readJson<CachedQuotas>(cacheKey(region));
  return cached !== undefined && typeof cached.values === "object" && cached.values !== null ? cached : undefined;
}

export async function writeCachedQuotas(store: RecordStore, cached: CachedQuotas): Promise<void> {
  await store.writeJson(cacheKey(cached.region), cached);
}
