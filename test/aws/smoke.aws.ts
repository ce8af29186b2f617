/**
 * `npm run test:aws`: the smoke run against a real AWS account (docs/smoke.md). Never part of `npm test` (its own jest
 * config, jest.aws.config.js, matches only `*.aws.ts`). Skipped unless TENANTCTL_AWS_SMOKE=1 and AWS credentials
 * are present. The orchestration is test/aws/smoke-orchestration.ts, which `npm test` runs against the stand-in.
 */
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { runSmoke, type CliResult, type SmokeDeps } from "./smoke-orchestration";

const ROOT = join(__dirname, "..", "..");
const run = promisify(execFile);

const hasCredentials = [
  "AWS_ACCESS_KEY_ID",
  "AWS_PROFILE",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
].some((k) => (process.env[k] ?? "") !== "");
const enabled = process.env.TENANTCTL_AWS_SMOKE === "1" && hasCredentials;

function tenantctl(args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "bin", "tenantctl.js"), ...args], {
      env: process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      process.stderr.write(d);
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

async function aws(...args: string[]): Promise<string> {
  return (await run("aws", args, { env: process.env })).stdout.trim();
}

const deps: SmokeDeps = {
  tenantctl,
  async https(method, url, options = {}) {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    const res = await fetch(url, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    return { status: res.status, body: await res.text() };
  },
  async adminToken(slug, env) {
    const status = await tenantctl(["status", "tenant", slug, "--env", env, "--json"]);
    const arn = (JSON.parse(status.stdout) as { outputs: { adminTokenSecretArn: string } }).outputs.adminTokenSecretArn;
    return aws("secretsmanager", "get-secret-value", "--secret-id", arn, "--query", "SecretString", "--output", "text");
  },
  async snapshotExists(id) {
    const out = await aws(
      "rds",
      "describe-db-snapshots",
      "--db-snapshot-identifier",
      id,
      "--query",
      "DBSnapshots[0].Status",
      "--output",
      "text",
    ).catch(() => "");
    return out !== "" && out !== "None";
  },
  async deleteSnapshot(id) {
    await aws("rds", "wait", "db-snapshot-available", "--db-snapshot-identifier", id);
    await aws("rds", "delete-db-snapshot", "--db-snapshot-identifier", id);
  },
  async removeArchive(location) {
    if (location.startsWith("s3://")) await aws("s3", "rm", "--recursive", location);
    else rmSync(location, { recursive: true, force: true });
  },
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  log: (line) => process.stderr.write(`[smoke] ${line}\n`),
};

const describeSmoke = enabled ? describe : describe.skip;

describeSmoke("AWS smoke: shared up, provision, HTTPS /readyz, one item, teardown, snapshot, clean-up", () => {
  it("runs against the account in the environment and leaves nothing behind", async () => {
    const baseDomain = process.env.TENANTCTL_SMOKE_BASE_DOMAIN;
    const zone = process.env.TENANTCTL_SMOKE_HOSTED_ZONE_ID;
    if (baseDomain === undefined || zone === undefined) {
      throw new Error(
        "set TENANTCTL_SMOKE_BASE_DOMAIN and TENANTCTL_SMOKE_HOSTED_ZONE_ID (a Route 53 zone of that domain): see docs/smoke.md",
      );
    }
    const env = `smk${randomBytes(4).toString("hex").slice(0, 6)}`;
    const report = await runSmoke(deps, {
      env,
      slug: "smoke",
      sharedConfig: [
        `aws:region=${process.env.AWS_REGION ?? "us-east-1"}`,
        `baseDomain=${env}.${baseDomain}`,
        `hostedZoneId=${zone}`,
      ],
      readyTimeoutMs: 30 * 60_000,
      pollMs: 15_000,
    });
    process.stderr.write(`${JSON.stringify(report, null, 2)}\n`);
    expect(report.leftovers).toEqual([]);
    expect(report.steps.filter((s) => !s.ok)).toEqual([]);
  });
});

if (!enabled) {
  describe("AWS smoke", () => {
    it.skip("skipped: set TENANTCTL_AWS_SMOKE=1 and provide AWS credentials (AWS_PROFILE, keys, SSO or a role) to run it", () =>
      undefined);
  });
}
