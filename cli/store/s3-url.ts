/**
 * `PULUMI_BACKEND_URL=s3://bucket[/prefix]?…` read the way Pulumi's DIY S3 backend (gocloud.dev's s3blob opener)
 * reads it, so tenantctl's records land in the same bucket, under the same prefix, through the same endpoint and
 * region as Pulumi's state. Pure: no SDK, no I/O.
 *
 * Query parameters (gocloud.dev names; the AWS SDK v1-era spellings Pulumi's docs show are accepted too):
 *   region, endpoint, profile, awssdk (v1|v2, no effect here), s3ForcePathStyle | use_path_style,
 *   disableSSL | disable_https, dualstack, fips, accelerate, ssetype, kmskeyid.
 * Anything else is refused, as gocloud.dev refuses it ("unknown query parameter").
 */
import { UsageError } from "../errors";

export interface S3BackendUrl {
  /** The URL as configured, for messages. */
  readonly url: string;
  readonly bucket: string;
  /** Key prefix inside the bucket, without leading or trailing slash ("" for the bucket root). */
  readonly prefix: string;
  readonly region: string | undefined;
  /** Full endpoint URL with scheme (an endpoint without one gets https://, or http:// with disableSSL). */
  readonly endpoint: string | undefined;
  readonly forcePathStyle: boolean;
  readonly profile: string | undefined;
  readonly dualstack: boolean;
  readonly fips: boolean;
  readonly accelerate: boolean;
  /** Server-side encryption for writes (`ssetype=aws:kms|AES256`, `kmskeyid=…`), as Pulumi's writes use. */
  readonly sseType: string | undefined;
  readonly kmsKeyId: string | undefined;
}

const ALLOWED = [
  "region",
  "endpoint",
  "profile",
  "awssdk",
  "s3ForcePathStyle",
  "use_path_style",
  "disableSSL",
  "disable_https",
  "dualstack",
  "fips",
  "accelerate",
  "ssetype",
  "kmskeyid",
] as const;

function bad(url: string, problem: string): UsageError {
  return new UsageError(
    `PULUMI_BACKEND_URL "${url}": ${problem} (form: s3://<bucket>[/<prefix>]?region=<region>&endpoint=<url>&s3ForcePathStyle=true&profile=<profile>)`,
  );
}

/** Go's strconv.ParseBool, which gocloud.dev uses for its flags. */
function parseBool(url: string, name: string, value: string | null): boolean {
  if (value === null) return false;
  if (["1", "t", "T", "TRUE", "true", "True"].includes(value)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(value)) return false;
  throw bad(url, `query parameter ${name}=${value} is not a boolean (allowed: true, false)`);
}

function nonEmpty(url: string, name: string, value: string | null): string | undefined {
  if (value === null) return undefined;
  if (value.trim() === "") throw bad(url, `query parameter ${name} is empty`);
  return value.trim();
}

export function parseS3BackendUrl(url: string): S3BackendUrl {
  if (!url.startsWith("s3://")) throw bad(url, "not an s3:// URL");
  // Split by hand, as Go's url.Parse does: the WHATWG parser would normalise "a/../b" in the path to "b", and Pulumi
  // uses the path as a literal key prefix.
  const rest = url.slice("s3://".length);
  const queryAt = rest.indexOf("?");
  const location = queryAt === -1 ? rest : rest.slice(0, queryAt);
  const q = new URLSearchParams(queryAt === -1 ? "" : rest.slice(queryAt + 1));
  const slash = location.indexOf("/");
  let bucket: string;
  let path: string;
  try {
    bucket = decodeURIComponent(slash === -1 ? location : location.slice(0, slash));
    path = decodeURIComponent(slash === -1 ? "" : location.slice(slash));
  } catch {
    throw bad(url, "has a malformed %-escape");
  }
  if (bucket === "") throw bad(url, "names no bucket");
  if (/[@:]/.test(bucket)) throw bad(url, "the bucket part carries a port or credentials");
  // Today's rule is 3-63 lowercase letters, digits, dots and hyphens; legacy us-east-1 buckets may also use
  // capitals and underscores (up to 255 characters), so those pass too.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$/.test(bucket)) {
    throw bad(url, `"${bucket}" is not an S3 bucket name (3-63 lowercase letters, digits, dots and hyphens)`);
  }
  const prefix = path.replace(/^\/+/, "").replace(/\/+$/, "");
  if (prefix.split("/").some((part) => part === "." || part === "..") || prefix.includes("//")) {
    throw bad(url, `prefix "${prefix}" has an empty, "." or ".." segment`);
  }
  for (const name of new Set(q.keys())) {
    if (!(ALLOWED as readonly string[]).includes(name))
      throw bad(url, `unknown query parameter "${name}" (allowed: ${ALLOWED.join(", ")})`);
  }
  const awssdk = q.get("awssdk");
  if (awssdk !== null && awssdk !== "v1" && awssdk !== "v2") throw bad(url, `awssdk=${awssdk} (allowed: v1, v2)`);
  const insecure =
    parseBool(url, "disableSSL", q.get("disableSSL")) || parseBool(url, "disable_https", q.get("disable_https"));
  let endpoint = nonEmpty(url, "endpoint", q.get("endpoint"));
  if (endpoint !== undefined) {
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint)) endpoint = `${insecure ? "http" : "https"}://${endpoint}`;
    try {
      const e = new URL(endpoint);
      if (e.protocol !== "http:" && e.protocol !== "https:") throw new Error("scheme");
    } catch {
      throw bad(url, `endpoint "${endpoint}" is not an http(s) URL`);
    }
  }
  const sseType = nonEmpty(url, "ssetype", q.get("ssetype"));
  if (sseType !== undefined && !["AES256", "aws:kms", "aws:kms:dsse"].includes(sseType)) {
    throw bad(url, `ssetype=${sseType} (allowed: AES256, aws:kms, aws:kms:dsse)`);
  }
  return {
    url,
    bucket,
    prefix,
    region: nonEmpty(url, "region", q.get("region")),
    endpoint,
    forcePathStyle:
      parseBool(url, "s3ForcePathStyle", q.get("s3ForcePathStyle")) ||
      parseBool(url, "use_path_style", q.get("use_path_style")),
    profile: nonEmpty(url, "profile", q.get("profile")),
    dualstack: parseBool(url, "dualstack", q.get("dualstack")),
    fips: parseBool(url, "fips", q.get("fips")),
    accelerate: parseBool(url, "accelerate", q.get("accelerate")),
    sseType,
    kmsKeyId: nonEmpty(url, "kmskeyid", q.get("kmskeyid")),
  };
}

/** The key of `<prefix>/<root>/<key>` in the bucket. */
export function objectKey(backend: Pick<S3BackendUrl, "prefix">, ...parts: string[]): string {
  return [backend.prefix, ...parts].filter((p) => p !== "").join("/");
}

/** `s3://bucket/prefix/…` for messages. */
export function s3Location(backend: Pick<S3BackendUrl, "bucket" | "prefix">, ...parts: string[]): string {
  return `s3://${backend.bucket}/${objectKey(backend, ...parts)}`.replace(/\/$/, "");
}
