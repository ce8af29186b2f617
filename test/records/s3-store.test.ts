/**
 * What only the S3 record store has: Pulumi's S3 backend URL, S3 errors → exit codes, 409 retries, server-side
 * encryption settings, and Pulumi's lock objects read from the bucket. Runs against test/support/fake-s3.ts.
 */
import { CliError, ConflictError, OperationFailedError, PrerequisiteError, UsageError } from "../../cli/errors";
import { resolveBackend } from "../../cli/store/backend";
import { assertUnlocked } from "../../cli/orchestration/engine-errors";
import { openLockSource, readLockHolder } from "../../cli/store/locks";
import { openRecordStore } from "../../cli/store/records";
import { S3RecordStore, type S3RecordStoreOptions } from "../../cli/store/records-s3";
import { parseS3BackendUrl } from "../../cli/store/s3-url";
import type { FakeS3 } from "../support/fake-s3";
import { fakeS3Suite } from "./fake-s3-suite";

const BUCKET = "acme-tenantctl-state";
const s3 = fakeS3Suite([BUCKET]);
let fake: FakeS3;

beforeAll(() => {
  fake = s3.server();
});

afterEach(() => {
  fake.deny = undefined;
  fake.failWith = undefined;
  fake.conflicts = 0;
});

function url(bucket = BUCKET, prefix = "team/state", extra = ""): string {
  return s3.url(bucket, prefix, extra);
}

function store(u = url(), options: S3RecordStoreOptions = {}): S3RecordStore {
  return s3.open(u, options);
}

async function failure(promise: Promise<unknown>): Promise<CliError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CliError);
  return error as CliError;
}

describe("Pulumi's S3 backend URL", () => {
  it("reads bucket, prefix and gocloud.dev's query parameters", () => {
    expect(parseS3BackendUrl("s3://my-state")).toMatchObject({
      bucket: "my-state",
      prefix: "",
      region: undefined,
      endpoint: undefined,
      forcePathStyle: false,
      profile: undefined,
    });
    expect(parseS3BackendUrl("s3://my-state/teams/a/?region=eu-west-1&profile=ops&awssdk=v2")).toMatchObject({
      bucket: "my-state",
      prefix: "teams/a",
      region: "eu-west-1",
      profile: "ops",
    });
    expect(parseS3BackendUrl("s3://b-1?endpoint=minio.local:9000&disableSSL=true&s3ForcePathStyle=true")).toMatchObject(
      { endpoint: "http://minio.local:9000", forcePathStyle: true },
    );
    expect(
      parseS3BackendUrl("s3://b-1?endpoint=minio.local:9000&use_path_style=true&disable_https=true"),
    ).toMatchObject({ endpoint: "http://minio.local:9000", forcePathStyle: true });
    expect(parseS3BackendUrl("s3://b-1?endpoint=s3.example.com")).toMatchObject({ endpoint: "https://s3.example.com" });
    expect(parseS3BackendUrl("s3://b-1?ssetype=aws:kms&kmskeyid=alias/state&dualstack=true&fips=1")).toMatchObject({
      sseType: "aws:kms",
      kmsKeyId: "alias/state",
      dualstack: true,
      fips: true,
    });
  });

  it("refuses what Pulumi would refuse or cannot mean a bucket, as usage errors", () => {
    for (const bad of [
      "s3://",
      "s3:///prefix",
      "s3://b?bogus=1",
      "s3://bucket?s3ForcePathStyle=yes",
      "s3://bucket?endpoint=ftp://x",
      "s3://bucket?region=",
      "s3://bucket?awssdk=v3",
      "s3://bucket/a/../b",
      "s3://bucket?ssetype=rot13",
      "s3://x",
    ]) {
      expect(() => parseS3BackendUrl(bad)).toThrow(UsageError);
    }
  });

  it("openRecordStore gives the S3 store for s3:// and refuses other remote backends with exit 5 and the reason", () => {
    const s3 = openRecordStore(
      resolveBackend({ PULUMI_BACKEND_URL: "s3://acme-state/tenants?region=eu-west-1" }, "/repo"),
    );
    expect(s3).toBeInstanceOf(S3RecordStore);
    expect(s3.location).toBe("s3://acme-state/tenants/.tenantctl");
    expect(openRecordStore(resolveBackend({ PULUMI_BACKEND_URL: "s3://acme-state" }, "/repo")).location).toBe(
      "s3://acme-state/.tenantctl",
    );
    expect(() => openRecordStore(resolveBackend({ PULUMI_BACKEND_URL: "s3://acme-state?nope=1" }, "/repo"))).toThrow(
      UsageError,
    );
    for (const [backend, says] of [
      ["gs://b", /gs:\/\/ backends are not supported/],
      ["azblob://c", /azblob:\/\/ backends are not supported/],
      ["https://api.pulumi.com", /Pulumi Cloud/],
    ] as const) {
      let error: unknown;
      try {
        openRecordStore(resolveBackend({ PULUMI_BACKEND_URL: backend }, "/repo"));
      } catch (e: unknown) {
        error = e;
      }
      expect(error).toBeInstanceOf(PrerequisiteError);
      expect((error as Error).message).toMatch(says);
      expect((error as Error).message).toMatch(/file:\/\/ and s3:\/\//);
    }
  });
});

describe("S3 store behaviour", () => {
  it("keeps records under <prefix>/.tenantctl/ of the bucket", async () => {
    const s = store(url(BUCKET, "layout/x"));
    await s.writeJson("index/tenantctl-tenants/dev-acme.json", { slug: "acme" });
    expect(fake.keys(BUCKET).filter((k) => k.startsWith("layout/"))).toEqual([
      "layout/x/.tenantctl/index/tenantctl-tenants/dev-acme.json",
    ]);
    expect(
      JSON.parse(fake.getObject(BUCKET, "layout/x/.tenantctl/index/tenantctl-tenants/dev-acme.json") ?? ""),
    ).toEqual({ slug: "acme" });
    expect(fake.ops("PutObject").at(-1)?.headers["content-type"]).toBe("application/json");
  });

  it("retries a conditional write that S3 answers 409 ConditionalRequestConflict, and gives up after its retries", async () => {
    const s = store(url(BUCKET, "conflict"), { conflictRetries: 3 });
    fake.conflicts = 2;
    expect(await s.createExclusive("k.json", { v: 1 })).toBe(true);
    expect(fake.conflicts).toBe(0);
    fake.conflicts = 10;
    const error = await failure(s.createExclusive("k2.json", { v: 1 }));
    expect(error).toBeInstanceOf(OperationFailedError);
    expect(error.exitCode).toBe(1);
    expect(error.message).toMatch(/ConditionalRequestConflict/);
    expect(fake.conflicts).toBe(6); // 1 try + 3 retries
  });

  it("sends the URL's server-side encryption settings with every write", async () => {
    const s = store(url(BUCKET, "sse", "&ssetype=aws:kms&kmskeyid=alias/tenantctl-state"));
    await s.writeJson("a.json", {});
    await s.createExclusive("b.json", {});
    for (const put of fake.ops("PutObject").slice(-2)) {
      expect(put.headers["x-amz-server-side-encryption"]).toBe("aws:kms");
      expect(put.headers["x-amz-server-side-encryption-aws-kms-key-id"]).toBe("alias/tenantctl-state");
    }
  });

  it("a missing bucket is a prerequisite (exit 5) naming the bucket and the fix", async () => {
    const error = await failure(store(url("no-such-bucket")).list("index/tenantctl-tenants"));
    expect(error).toBeInstanceOf(PrerequisiteError);
    expect(error.message).toMatch(/S3 bucket "no-such-bucket" does not exist/);
    expect(error.message).toMatch(/create it, or fix the bucket/);
    expect(error.message).not.toMatch(/\n/);
  });

  it("access denied is a prerequisite (exit 5) naming the bucket and the permissions to grant", async () => {
    fake.deny = () => true;
    const s = store(url(BUCKET, "denied"));
    const attempts = [
      () => s.list("index/p"),
      () => s.readJson("index/p/x.json"),
      () => s.writeJson("index/p/x.json", {}),
      () => s.createExclusive("a.json", {}),
      () => s.remove("a.json"),
    ];
    for (const attempt of attempts) {
      const error = await failure(attempt());
      expect(error).toBeInstanceOf(PrerequisiteError);
      expect(error.message).toMatch(
        /access denied \(AccessDenied\) to the state backend's S3 bucket "acme-tenantctl-state"/,
      );
      expect(error.message).toMatch(
        /s3:ListBucket on arn:aws:s3:::acme-tenantctl-state and s3:GetObject, s3:PutObject, s3:DeleteObject on arn:aws:s3:::acme-tenantctl-state\/denied\/\.tenantctl\/\*/,
      );
      expect(error.message).not.toMatch(/fake-secret-value/);
    }
  });

  it("missing credentials are a prerequisite (exit 5) saying how to provide them", async () => {
    const s = store(url(BUCKET, "nocreds"), {
      client: {
        maxAttempts: 1,
        credentials: () =>
          Promise.reject(
            Object.assign(new Error("Could not load credentials from any providers"), {
              name: "CredentialsProviderError",
            }),
          ),
      },
    });
    const error = await failure(s.readJson("x.json"));
    expect(error).toBeInstanceOf(PrerequisiteError);
    expect(error.message).toMatch(
      /no AWS credentials to reach the state backend's S3 bucket "acme-tenantctl-state": set AWS_PROFILE/,
    );
  });

  it("other S3 errors fail the operation (exit 1) with S3's error code", async () => {
    fake.failWith = (r) =>
      r.op === "GetObject"
        ? {
            status: 400,
            code: "InvalidObjectState",
            message: "The operation is not valid for the object's storage class",
          }
        : undefined;
    const error = await failure(store(url(BUCKET, "other")).readJson("x.json"));
    expect(error).toBeInstanceOf(OperationFailedError);
    expect(error.message).toMatch(
      /S3 read of s3:\/\/acme-tenantctl-state\/other\/\.tenantctl\/x\.json failed: InvalidObjectState, HTTP 400/,
    );
  });
});

describe("Pulumi's lock objects in an S3 backend", () => {
  const saved = { ...process.env };
  beforeAll(() => {
    // openLockSource uses the SDK's default credential chain, like the CLI.
    process.env.AWS_ACCESS_KEY_ID = "AKIDFAKE";
    process.env.AWS_SECRET_ACCESS_KEY = "fake-secret-value";
    process.env.AWS_EC2_METADATA_DISABLED = "true";
  });
  afterAll(() => {
    for (const name of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_EC2_METADATA_DISABLED"]) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it("names the holder of a locked stack and refuses with exit 4 before anything is written", async () => {
    const u = url(BUCKET, "locks");
    fake.putObject(
      BUCKET,
      "locks/.pulumi/locks/organization/tenantctl-tenants/dev-acme/7f3e.json",
      JSON.stringify({ pid: 4242, username: "ana", hostname: "ops-1", timestamp: "2026-01-01T10:00:00Z" }),
    );
    const backend = resolveBackend({ PULUMI_BACKEND_URL: u }, "/repo");
    const source = openLockSource(backend);
    expect(source).toBeDefined();
    const holder = await readLockHolder(source as NonNullable<typeof source>, "tenantctl-tenants", "dev-acme");
    expect(holder).toEqual({
      who: "ana@ops-1",
      pid: 4242,
      since: "2026-01-01T10:00:00Z",
      file: `s3://${BUCKET}/locks/.pulumi/locks/organization/tenantctl-tenants/dev-acme/7f3e.json`,
    });
    const error = await assertUnlocked(backend, {
      project: "tenantctl-tenants",
      stack: "dev-acme",
      retry: "tenantctl update tenant acme",
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toBe(
      "stack dev-acme is locked by ana@ops-1 (pid 4242) since 2026-01-01T10:00:00Z",
    );
    await expect(
      assertUnlocked(backend, { project: "tenantctl-tenants", stack: "dev-other", retry: "x" }),
    ).resolves.toBeUndefined();
    await (source as S3RecordStore).close();
  });

  it("Pulumi Cloud and other remote backends are not pre-checked (the engine's error names the holder)", async () => {
    expect(openLockSource(resolveBackend({ PULUMI_BACKEND_URL: "https://api.pulumi.com" }, "/repo"))).toBeUndefined();
    await expect(
      assertUnlocked(resolveBackend({ PULUMI_BACKEND_URL: "gs://b" }, "/repo"), {
        project: "p",
        stack: "s",
        retry: "x",
      }),
    ).resolves.toBeUndefined();
  });
});
