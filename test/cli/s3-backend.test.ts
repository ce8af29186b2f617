/**
 * The compiled CLI on an s3:// backend, against the fake S3 (test/support/fake-s3.ts) over HTTP with fake
 * credentials through the SDK's default chain. Only record-reading commands can run here: the stand-in `pulumi`
 * supports file:// backends only, so provision/update/teardown on S3 are not exercised end to end (docs/cli.md).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { S3RecordStore } from "../../cli/store/records-s3";
import { parseS3BackendUrl } from "../../cli/store/s3-url";
import { writeIndexEntry } from "../../cli/store/tenant-index";
import { FakeS3 } from "../support/fake-s3";
import { json, tenantctl, tenantctlProcess, type Result } from "./support/e2e";
import { tempDir } from "./support/memory-io";

const BUCKET = "acme-tenantctl-state";
const SECRET = "fake-secret-key-never-printed";
const PRELOAD = join(__dirname, "fixtures", "report-modules.js");
let fake: FakeS3;

function backendUrl(bucket = BUCKET): string {
  return `s3://${bucket}/team-a?endpoint=${fake.endpoint}&s3ForcePathStyle=true&region=us-east-1`;
}

/** A clean AWS environment: no config files, no instance metadata, fake keys unless `creds` is false. */
function env(url: string, creds = true): NodeJS.ProcessEnv {
  const home = tempDir("tenantctl-s3-home-");
  return {
    PATH: process.env.PATH,
    HOME: home,
    PULUMI_BACKEND_URL: url,
    AWS_CONFIG_FILE: join(home, "no-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, "no-credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    ...(creds ? { AWS_ACCESS_KEY_ID: "AKIDFAKE", AWS_SECRET_ACCESS_KEY: SECRET } : {}),
  };
}

/** Runs the built CLI asynchronously (the fake S3 answers from this process's event loop), optionally with a `node -r` preload. */
function run(args: readonly string[], e: NodeJS.ProcessEnv, preload?: string): Promise<Result> {
  return preload === undefined ? tenantctl(tempDir(), e, args) : tenantctlProcess(tempDir(), e, args, ["-r", preload]);
}

const spec = (slug: string, env: string, priority: number) =>
  ({
    slug,
    env,
    tier: "standard",
    displayName: slug.toUpperCase(),
    image: "registry.example.com/tenantctl-app:1.0.0",
    skin: { primaryColor: "#112233" },
    listenerPriority: priority,
    loadBalancer: "alb-0",
    generation: 1,
  }) as never;

beforeAll(async () => {
  fake = await FakeS3.start([BUCKET]);
  fake.maxKeysCap = 2; // the index spans several ListObjectsV2 pages
  const store = new S3RecordStore(parseS3BackendUrl(backendUrl()), {
    client: { credentials: { accessKeyId: "AKIDFAKE", secretAccessKey: SECRET } },
  });
  const now = new Date("2026-03-01T12:00:00Z");
  for (const [slug, e, p] of [
    ["acme", "dev", 100],
    ["globex", "dev", 101],
    ["initech", "prod", 100],
    ["umbrella", "dev", 102],
    ["hooli", "prod", 101],
  ] as const) {
    await writeIndexEntry(store, {
      spec: spec(slug, e, p),
      project: "tenantctl-tenants",
      stack: `${e}-${slug}`,
      operation: "provision",
      status: "succeeded",
      url: `https://${slug}.tenants.example.com`,
      now,
    });
  }
  await store.close();
});

afterAll(async () => {
  await fake.close();
});

afterEach(() => {
  fake.deny = undefined;
});

describe("tenantctl on an s3:// backend (fake S3)", () => {
  it("list tenants --json reads the index records from the bucket, every page", async () => {
    const before = fake.ops("ListObjectsV2").length;
    const result = await run(["list", "tenants", "--json"], env(backendUrl()));
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const doc = json<{
      backend: string;
      tenants: { slug: string; env: string; status: string; url: string; listenerPriority: number }[];
    }>(result);
    expect(doc.backend).toBe(backendUrl());
    expect(doc.tenants.map((t) => `${t.env}/${t.slug}`)).toEqual([
      "dev/acme",
      "dev/globex",
      "dev/umbrella",
      "prod/hooli",
      "prod/initech",
    ]);
    expect(doc.tenants[0]).toMatchObject({
      status: "provision succeeded",
      url: "https://acme.tenants.example.com",
      listenerPriority: 100,
    });
    const lists = fake.ops("ListObjectsV2").slice(before);
    expect(lists.length).toBeGreaterThanOrEqual(3);
    expect(lists[0]?.query.prefix).toBe("team-a/.tenantctl/index/tenantctl-tenants/");
    expect(result.stdout).not.toContain(SECRET);
  });

  it("list tenants prints the table, and --env filters", async () => {
    const table = await run(["list", "tenants"], env(backendUrl()));
    expect(table.code).toBe(0);
    for (const slug of ["acme", "globex", "initech", "umbrella", "hooli"]) expect(table.stdout).toContain(slug);
    const prod = await run(["list", "tenants", "--env", "prod", "--json"], env(backendUrl()));
    expect(prod.code).toBe(0);
    expect(json<{ tenants: { slug: string }[] }>(prod).tenants.map((t) => t.slug)).toEqual(["hooli", "initech"]);
  });

  it("list tenants on S3 loads no @pulumi module (the S3 SDK only)", async () => {
    const result = await run(["list", "tenants", "--json"], env(backendUrl()), PRELOAD);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/LOADED_PULUMI_MODULES=0\n/);
  });

  it("list tenants on a file:// backend loads no AWS SDK module (the S3 store loads it lazily)", async () => {
    const dir = tempDir("tenantctl-s3-probe-");
    const probe = join(dir, "report-aws.js");
    writeFileSync(
      probe,
      'process.on("exit", () => process.stderr.write(`AWS_SDK_MODULES=${Object.keys(require.cache).filter((p) => p.includes("@aws-sdk")).length}\\n`));\n',
    );
    mkdirSync(join(dir, "state"));
    const onFile = await run(["list", "tenants", "--json"], env(`file://${join(dir, "state")}`), probe);
    expect(onFile.code).toBe(0);
    expect(onFile.stderr).toBe("AWS_SDK_MODULES=0\n");
    const onS3 = await run(["list", "tenants", "--json"], env(backendUrl()), probe);
    expect(onS3.code).toBe(0);
    expect(onS3.stderr).toMatch(/^AWS_SDK_MODULES=[1-9]\d*\n$/);
  });

  it("an empty prefix lists no tenants", async () => {
    const result = await run(
      ["list", "tenants", "--json"],
      env(`s3://${BUCKET}/other-team?endpoint=${fake.endpoint}&s3ForcePathStyle=true&region=us-east-1`),
    );
    expect(result.code).toBe(0);
    expect(json<{ tenants: unknown[] }>(result).tenants).toEqual([]);
  });

  it("a missing bucket: exit 5, one error line naming the bucket and the fix, nothing created", async () => {
    const keys = fake.keys(BUCKET);
    const result = await run(["list", "tenants"], env(backendUrl("no-such-state-bucket")));
    expect(result.code).toBe(5);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(
        /^error: the state backend's S3 bucket "no-such-state-bucket" does not exist \(endpoint http:\/\/127\.0\.0\.1:\d+, region us-east-1\): create it, or fix the bucket, endpoint or region in PULUMI_BACKEND_URL$/,
      ),
    ]);
    expect(fake.buckets.has("no-such-state-bucket")).toBe(false);
    expect(fake.keys(BUCKET)).toEqual(keys);
  });

  it("access denied: exit 5, one error line naming the bucket and the permissions; --json carries exit code 5", async () => {
    fake.deny = () => true;
    const result = await run(["list", "tenants"], env(backendUrl()));
    expect(result.code).toBe(5);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^error: access denied \(AccessDenied\) to the state backend's S3 bucket "acme-tenantctl-state" on list team-a\/\.tenantctl\/index\/tenantctl-tenants: grant s3:ListBucket/,
    );
    expect(result.stderr).not.toContain(SECRET);
    const asJson = await run(["list", "tenants", "--json"], env(backendUrl()));
    expect(asJson.code).toBe(5);
    expect(json<{ error: { exitCode: number; bucket: string; s3Error: string } }>(asJson).error).toMatchObject({
      exitCode: 5,
      bucket: BUCKET,
      s3Error: "AccessDenied",
    });
  });

  it("no credentials anywhere: exit 5, one error line saying how to provide them", async () => {
    const result = await run(["list", "tenants"], env(backendUrl(), false));
    expect(result.code).toBe(5);
    expect(result.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(
        /^error: no AWS credentials to reach the state backend's S3 bucket "acme-tenantctl-state": set AWS_PROFILE/,
      ),
    ]);
  });

  it("a malformed s3:// URL is a usage error (exit 2, one line) and no request is sent", async () => {
    const before = fake.requests.length;
    const result = await run(
      ["list", "tenants"],
      env(`s3://${BUCKET}?endpoint=${fake.endpoint}&s3ForcePathStyle=maybe`),
    );
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^error: PULUMI_BACKEND_URL ".*": query parameter s3ForcePathStyle=maybe is not a boolean/),
    ]);
    expect(fake.requests.length).toBe(before);
  });

  it("gs:// is refused with exit 5 saying which backends work", async () => {
    const result = await run(["list", "tenants"], env("gs://some-bucket"));
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(
      /^error: .*supports for file:\/\/ and s3:\/\/ backends only; gs:\/\/ backends are not supported \(got gs:\/\/some-bucket\)/,
    );
  });
});
