/**
 * tenantctl's records in an S3 backend: objects under `<prefix>/.tenantctl/<key>` of the state bucket, next to
 * Pulumi's `<prefix>/.pulumi/`. Same contract as the file store (records.ts):
 * - writes are whole-object PUTs (S3 never shows a half-written object);
 * - `createExclusive` is a conditional PUT (`If-None-Match: *`): 412 PreconditionFailed = someone holds the key,
 *   409 ConditionalRequestConflict = a concurrent write raced ours, so we retry;
 * - `list` is ListObjectsV2 with a delimiter, every page, objects and "folders" directly under the folder;
 * - `remove` removes the key and everything under `<key>/` (the file store's recursive rm).
 * The AWS SDK is loaded on first use only (`list tenants` on a file backend never loads it).
 */
import { awsErrorShape, isMissingCredentials, isMissingRegion, quietAwsSdkWarnings } from "../aws-sdk";
import type { S3Client, S3ClientConfig } from "@aws-sdk/client-s3";
import { CliError, OperationFailedError, PrerequisiteError } from "../errors";
import type { RecordStore } from "./records";
import { objectKey, s3Location, type S3BackendUrl } from "./s3-url";

type S3Sdk = typeof import("@aws-sdk/client-s3");

export interface S3RecordStoreOptions {
  /** Folder of the store under the backend prefix: `.tenantctl` for records, `.pulumi` to read Pulumi's locks. */
  readonly root?: string;
  /** Extra client settings (tests: credentials, maxAttempts). */
  readonly client?: Partial<S3ClientConfig>;
  /** How often a 409 ConditionalRequestConflict is retried before giving up. */
  readonly conflictRetries?: number;
}

function checkKey(key: string): string {
  if (key.split("/").some((part) => part === "" || part === "." || part === "..")) {
    throw new Error(`invalid record key "${key}"`);
  }
  return key;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class S3RecordStore implements RecordStore {
  readonly location: string;
  private readonly root: string;
  private readonly conflictRetries: number;
  private sdk: Promise<{ s3: S3Sdk; client: S3Client }> | undefined;

  constructor(
    readonly backend: S3BackendUrl,
    private readonly options: S3RecordStoreOptions = {},
  ) {
    this.root = options.root ?? ".tenantctl";
    this.conflictRetries = options.conflictRetries ?? 5;
    this.location = s3Location(backend, this.root);
  }

  private client(): Promise<{ s3: S3Sdk; client: S3Client }> {
    quietAwsSdkWarnings();
    this.sdk ??= import("@aws-sdk/client-s3").then((s3) => {
      const b = this.backend;
      const config: S3ClientConfig = {
        ...(b.region === undefined ? {} : { region: b.region }),
        ...(b.endpoint === undefined ? {} : { endpoint: b.endpoint }),
        ...(b.profile === undefined ? {} : { profile: b.profile }),
        forcePathStyle: b.forcePathStyle,
        useDualstackEndpoint: b.dualstack,
        useFipsEndpoint: b.fips,
        useAccelerateEndpoint: b.accelerate,
        // Checksums only where S3 requires them: S3-compatible stores (MinIO, Ceph, R2) that teams point Pulumi at
        // do not all accept the SDK's default trailing checksums.
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
        // A hung endpoint fails the command (exit 1, TimeoutError) instead of hanging it.
        requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 },
        ...this.options.client,
      };
      return { s3, client: new s3.S3Client(config) };
    });
    return this.sdk;
  }

  private key(key: string): string {
    return objectKey(this.backend, this.root, checkKey(key));
  }

  /** S3 failures → the CLI's exit codes: what the operator must fix is exit 5, the rest exit 1 with S3's code. */
  private failure(error: unknown, action: string, key: string): CliError {
    if (error instanceof CliError) return error;
    const aws = awsErrorShape(error);
    const { name, status, message } = aws;
    const bucket = `S3 bucket "${this.backend.bucket}"`;
    const where = [
      this.backend.endpoint === undefined ? undefined : `endpoint ${this.backend.endpoint}`,
      this.backend.region === undefined ? undefined : `region ${this.backend.region}`,
    ]
      .filter((s) => s !== undefined)
      .join(", ");
    const at = where === "" ? "" : ` (${where})`;
    const details = { bucket: this.backend.bucket, key: this.key(key), s3Error: name };
    if (isMissingCredentials(aws)) {
      const profile = this.backend.profile === undefined ? "" : ` (profile "${this.backend.profile}" from the URL)`;
      return new PrerequisiteError(
        `no AWS credentials to reach the state backend's ${bucket}${profile}: set AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or log in with aws sso login`,
        { details, cause: error },
      );
    }
    if (isMissingRegion(aws)) {
      return new PrerequisiteError(
        `no AWS region for the state backend's ${bucket}: add ?region=<region> to PULUMI_BACKEND_URL or set AWS_REGION`,
        { details, cause: error },
      );
    }
    if (name === "NoSuchBucket") {
      return new PrerequisiteError(
        `the state backend's ${bucket} does not exist${at}: create it, or fix the bucket, endpoint or region in PULUMI_BACKEND_URL`,
        { details, cause: error },
      );
    }
    if (
      name === "AccessDenied" ||
      name === "Forbidden" ||
      name === "InvalidAccessKeyId" ||
      name === "SignatureDoesNotMatch" ||
      name === "ExpiredToken" ||
      name === "InvalidToken" ||
      status === 403
    ) {
      return new PrerequisiteError(
        `access denied (${name}) to the state backend's ${bucket} on ${action} ${this.key(key)}: grant s3:ListBucket on arn:aws:s3:::${this.backend.bucket} and s3:GetObject, s3:PutObject, s3:DeleteObject on arn:aws:s3:::${this.backend.bucket}/${objectKey(this.backend, this.root, "*")}, or use credentials that have them`,
        { details, cause: error },
      );
    }
    if (name === "PermanentRedirect" || name === "AuthorizationHeaderMalformed" || status === 301) {
      return new PrerequisiteError(
        `the state backend's ${bucket} is in another region than ${this.backend.region ?? "the configured one"}: set ?region=<the bucket's region> in PULUMI_BACKEND_URL`,
        { details, cause: error },
      );
    }
    const code = status === undefined ? name : `${name}, HTTP ${status}`;
    return new OperationFailedError(
      `S3 ${action} of ${this.location}/${key} failed: ${code}: ${message.split("\n")[0] ?? message}`,
      {
        hint: "rerun with TENANTCTL_DEBUG=1 for the full error; check the endpoint and network if this persists",
        details,
        cause: error,
      },
    );
  }

  async readJson<T>(key: string): Promise<T | undefined> {
    const Key = this.key(key);
    const { s3, client } = await this.client();
    let text: string;
    try {
      const response = await client.send(new s3.GetObjectCommand({ Bucket: this.backend.bucket, Key }));
      if (response.Body === undefined) return undefined;
      text = await response.Body.transformToString("utf8");
    } catch (error: unknown) {
      const { name, status } = awsErrorShape(error);
      if (name === "NoSuchKey" || (status === 404 && name !== "NoSuchBucket")) return undefined;
      throw this.failure(error, "read", key);
    }
    return JSON.parse(text) as T;
  }

  private putParams(
    key: string,
    value: unknown,
  ): {
    Bucket: string;
    Key: string;
    Body: string;
    ContentType: string;
    ServerSideEncryption?: "AES256" | "aws:kms" | "aws:kms:dsse";
    SSEKMSKeyId?: string;
  } {
    return {
      Bucket: this.backend.bucket,
      Key: this.key(key),
      Body: `${JSON.stringify(value, null, 2)}\n`,
      ContentType: "application/json",
      ...(this.backend.sseType === undefined
        ? {}
        : { ServerSideEncryption: this.backend.sseType as "AES256" | "aws:kms" | "aws:kms:dsse" }),
      ...(this.backend.kmsKeyId === undefined ? {} : { SSEKMSKeyId: this.backend.kmsKeyId }),
    };
  }

  async writeJson(key: string, value: unknown): Promise<void> {
    const params = this.putParams(key, value);
    const { s3, client } = await this.client();
    try {
      await client.send(new s3.PutObjectCommand(params));
    } catch (error: unknown) {
      throw this.failure(error, "write", key);
    }
  }

  async createExclusive(key: string, value: unknown): Promise<boolean> {
    const params = this.putParams(key, value);
    const { s3, client } = await this.client();
    for (let attempt = 0; ; attempt++) {
      try {
        await client.send(new s3.PutObjectCommand({ ...params, IfNoneMatch: "*" }));
        return true;
      } catch (error: unknown) {
        const { name, status } = awsErrorShape(error);
        if (name === "PreconditionFailed" || status === 412) return false;
        // A concurrent conditional write on the same key: S3 asks the caller to retry.
        if ((name === "ConditionalRequestConflict" || status === 409) && attempt < this.conflictRetries) {
          await sleep(20 * 2 ** attempt + Math.floor(Math.random() * 20));
          continue;
        }
        throw this.failure(error, "exclusive create", key);
      }
    }
  }

  /** Every key (or common prefix) under `prefix`, all pages. */
  private async listAll(
    prefix: string,
    delimiter: string | undefined,
    what: string,
    action = "list",
  ): Promise<{ keys: string[]; prefixes: string[] }> {
    const { s3, client } = await this.client();
    const keys: string[] = [];
    const prefixes: string[] = [];
    let token: string | undefined;
    do {
      let page;
      try {
        page = await client.send(
          new s3.ListObjectsV2Command({
            Bucket: this.backend.bucket,
            Prefix: prefix,
            ...(delimiter === undefined ? {} : { Delimiter: delimiter }),
            ...(token === undefined ? {} : { ContinuationToken: token }),
          }),
        );
      } catch (error: unknown) {
        throw this.failure(error, action, what);
      }
      for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
      for (const common of page.CommonPrefixes ?? []) if (common.Prefix !== undefined) prefixes.push(common.Prefix);
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return { keys, prefixes };
  }

  async list(folder: string): Promise<string[]> {
    const prefix = `${this.key(folder)}/`;
    const { keys, prefixes } = await this.listAll(prefix, "/", folder);
    const names = new Set<string>();
    for (const key of keys) names.add(key.slice(prefix.length));
    for (const common of prefixes) names.add(common.slice(prefix.length).replace(/\/$/, ""));
    // "" is a console-made folder marker object (`folder/`); .tmp mirrors the file store's filter.
    return [...names].filter((name) => name !== "" && !name.endsWith(".tmp")).sort();
  }

  async remove(key: string): Promise<void> {
    const Key = this.key(key);
    const { keys } = await this.listAll(`${Key}/`, undefined, key, "delete");
    const { s3, client } = await this.client();
    const targets = [Key, ...keys];
    // Small batches: a folder of records is small, and DeleteObject needs no Content-MD5 (DeleteObjects does).
    for (let i = 0; i < targets.length; i += 8) {
      await Promise.all(
        targets.slice(i, i + 8).map(async (target) => {
          try {
            await client.send(new s3.DeleteObjectCommand({ Bucket: this.backend.bucket, Key: target }));
          } catch (error: unknown) {
            if (awsErrorShape(error).name === "NoSuchKey") return;
            throw this.failure(error, "delete", key);
          }
        }),
      );
    }
  }

  /** Releases the client's sockets (tests; the CLI exits anyway). */
  async close(): Promise<void> {
    if (this.sdk !== undefined) (await this.sdk).client.destroy();
  }
}
