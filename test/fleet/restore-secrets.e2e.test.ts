/**
 * `restore tenant --restore-secrets` end to end: teardown leaves the admin-token secret in its recovery window; restore
 * brings it back through Secrets Manager (a fake endpoint over the stand-in's account) and the stack imports it, so
 * the tenant keeps the same secret (and token). Refusals change nothing.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startSecretsManagerFake, type SecretsManagerFake } from "../support/secrets-manager-fake";
import { deletedSecrets } from "../support/standin-account";
import {
  expectOk,
  fleetEnv,
  IMAGE_V1,
  json,
  readAccount,
  sharedUp,
  type CliRun,
  type FleetEnv,
} from "./support/fleet-env";

jest.setTimeout(15 * 60_000);

const SECRET = "aws:secretsmanager/secret:Secret";
// A tenant also has the app role's database secret; restore adopts only the admin token's.
const isAdminToken = (arnOrName: string): boolean => /(^|:secret:)[a-z0-9-]+-admin-token-/.test(arnOrName);
const SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion";
const STACK = "tenantctl-tenants/dev-acme";

interface RestoreDoc {
  snapshot: string;
  resourceChanges: Record<string, number>;
  restoredSecrets: { name: string; arn: string }[];
  adoptedAdminTokenSecretArn: string | null;
  spec: { adoptedAdminTokenSecretArn?: string; restoreFromSnapshot: string };
}

const stackResources = (f: FleetEnv) => readAccount(f).resources.filter((r) => r.stack === STACK);
const indexFile = (f: FleetEnv) => join(f.backendRoot, ".tenantctl", "index", "tenantctl-tenants", "dev-acme.json");
const errorLines = (run: CliRun) => run.stderr.split("\n").filter((l) => l.startsWith("error:"));

describe("restore tenant --restore-secrets (stand-in, fake Secrets Manager)", () => {
  let f: FleetEnv;
  let sm: SecretsManagerFake;
  let adminTokenArn: string;
  let snapshot: string;

  beforeAll(async () => {
    f = fleetEnv("tenantctl-restore-secrets-");
    sm = await startSecretsManagerFake(f.backendRoot);
    await sharedUp(f);
    await expectOk(
      f.run(["provision", "tenant", "acme", "--tier", "basic", "--display-name", "ACME", "--image", IMAGE_V1, "--yes"]),
      "provision",
    );
    const secret = stackResources(f).find((r) => r.type === SECRET);
    adminTokenArn = String(secret?.id);
    expect(adminTokenArn).toMatch(
      /^arn:aws:secretsmanager:us-east-1:123456789012:secret:acme-admin-token-[0-9a-f]{7}-[A-Za-z0-9]{6}$/,
    );
    snapshot = json<{ finalSnapshotIdentifier: string }>(
      await expectOk(f.run(["teardown", "tenant", "acme", "--yes", "--json"]), "teardown"),
    ).finalSnapshotIdentifier;
    expect(
      deletedSecrets(f.backendRoot)
        .map((s) => s.arn)
        .filter(isAdminToken),
    ).toEqual([adminTokenArn]);
  });

  afterAll(async () => {
    await sm.close();
  });

  it("refuses (exit 4) while the secret is reserved, naming --restore-secrets first, and creates nothing", async () => {
    const run = await f.run(["restore", "tenant", "acme"], sm.env);
    expect(run.code).toBe(4);
    expect(errorLines(run)).toEqual([expect.stringMatching(/recovery window until .*acme-admin-token/)]);
    const hint = run.stderr.slice(run.stderr.indexOf("error:"));
    expect(hint.indexOf("--restore-secrets")).toBeGreaterThan(0);
    expect(hint.indexOf("--restore-secrets")).toBeLessThan(hint.indexOf("--new-secrets"));
    expect(stackResources(f)).toEqual([]);
    expect(sm.calls).toEqual([]);
  });

  it("refuses --restore-secrets with --new-secrets (exit 2) before touching anything", async () => {
    const run = await f.run(["restore", "tenant", "acme", "--restore-secrets", "--new-secrets"], sm.env);
    expect(run.code).toBe(2);
    expect(errorLines(run)).toEqual([expect.stringMatching(/--restore-secrets and --new-secrets exclude each other/)]);
    expect(stackResources(f)).toEqual([]);
    expect(sm.calls).toEqual([]);
  });

  it("fails clearly (exit 1) when Secrets Manager refuses RestoreSecret, and creates no stack", async () => {
    sm.failWith = {
      code: "AccessDeniedException",
      message: "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: secretsmanager:RestoreSecret",
    };
    try {
      const run = await f.run(["restore", "tenant", "acme", "--restore-secrets"], sm.env);
      expect(run.code).toBe(1);
      expect(errorLines(run)).toEqual([
        expect.stringMatching(
          /RestoreSecret of acme-admin-token-\w+ failed: AccessDeniedException: User: .* not authorized .*no stack was created/,
        ),
      ]);
      expect(run.stderr).toMatch(/secretsmanager:RestoreSecret/);
    } finally {
      sm.failWith = undefined;
    }
    expect(sm.calls).toEqual([
      expect.objectContaining({
        target: "secretsmanager.RestoreSecret",
        body: { SecretId: adminTokenArn },
        signed: true,
      }),
    ]);
    expect(stackResources(f)).toEqual([]);
    expect(
      deletedSecrets(f.backendRoot)
        .map((s) => s.arn)
        .filter(isAdminToken),
    ).toEqual([adminTokenArn]);
    const stacks = await f.run(["list", "tenants", "--json"]);
    expect(JSON.stringify(json(stacks))).not.toContain("acme");
    expect(() => readFileSync(indexFile(f))).toThrow();
  });

  it("brings the tenant back with the same admin-token secret, imported, and the database from the final snapshot", async () => {
    sm.calls.length = 0;
    const run = await f.run(["restore", "tenant", "acme", "--restore-secrets", "--json"], sm.env);
    expect(run.code).toBe(0);
    const doc = json<RestoreDoc>(run);
    expect(doc.snapshot).toBe(snapshot);
    expect(doc.restoredSecrets).toEqual([
      { name: expect.stringMatching(/^acme-admin-token-[0-9a-f]{7}$/), arn: adminTokenArn },
    ]);
    expect(doc.adoptedAdminTokenSecretArn).toBe(adminTokenArn);
    expect(doc.spec).toMatchObject({ adoptedAdminTokenSecretArn: adminTokenArn, restoreFromSnapshot: snapshot });
    expect(doc.resourceChanges.import).toBe(1);
    expect(sm.calls).toEqual([
      expect.objectContaining({ target: "secretsmanager.RestoreSecret", body: { SecretId: adminTokenArn } }),
    ]);

    expect(deletedSecrets(f.backendRoot).filter((s) => isAdminToken(s.arn))).toEqual([]);
    const resources = stackResources(f);
    expect(resources.filter((r) => r.type === SECRET && r.name === "acme-admin-token").map((r) => r.id)).toEqual([
      adminTokenArn,
    ]);
    expect(resources.filter((r) => r.type === SECRET_VERSION)).toEqual([]);
    expect(resources.find((r) => r.type === "aws:rds/instance:Instance")?.inputs.snapshotIdentifier).toBe(snapshot);

    const status = json<{
      outputs?: { adminTokenSecretArn?: string };
      index: { lastOperation: string; status: string };
    }>(await expectOk(f.run(["status", "tenant", "acme", "--json"]), "status"));
    expect(status.index).toMatchObject({ lastOperation: "restore", status: "succeeded" });
    expect(JSON.stringify(status)).toContain(adminTokenArn);
    const index = JSON.parse(readFileSync(indexFile(f), "utf8")) as { lastOperation: string; status: string };
    expect(index).toMatchObject({ lastOperation: "restore", status: "succeeded" });
    const list = await expectOk(f.run(["list", "tenants"]), "list");
    expect(list.stdout).toMatch(/acme.*restore succeeded/);
  });

  it("is a normal tenant afterwards: update changes nothing (no secret created, updated or replaced)", async () => {
    const before = stackResources(f).find((r) => r.type === SECRET && r.name === "acme-admin-token");
    const run = await expectOk(f.run(["update", "tenant", "acme", "--yes", "--json"]), "update");
    const changes = json<{ resourceChanges: Record<string, number> }>(run).resourceChanges;
    expect(Object.keys(changes)).toEqual(["same"]);
    const after = stackResources(f);
    expect(after.find((r) => r.type === SECRET && r.name === "acme-admin-token")).toEqual(before);
    expect(after.filter((r) => r.type === SECRET_VERSION)).toEqual([]);
  });

  it("teardown --force-delete-secrets reserves nothing: --restore-secrets then restores with a new secret and token", async () => {
    await expectOk(
      f.run(["provision", "tenant", "beta", "--tier", "basic", "--display-name", "Beta", "--image", IMAGE_V1, "--yes"]),
      "provision beta",
    );
    const betaStack = "tenantctl-tenants/dev-beta";
    const oldArn = readAccount(f).resources.find(
      (r) => r.stack === betaStack && r.type === SECRET && r.name === "beta-admin-token",
    )?.id;
    await expectOk(f.run(["teardown", "tenant", "beta", "--force-delete-secrets", "--yes"]), "teardown beta");
    expect(
      deletedSecrets(f.backendRoot)
        .map((s) => s.name)
        .filter((n) => n.startsWith("beta-")),
    ).toEqual([]);
    sm.calls.length = 0;
    const run = await f.run(["restore", "tenant", "beta", "--restore-secrets", "--json"], sm.env);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /no secret of beta is still in its recovery window \(force-deleted at teardown\): the tenant gets new ones/,
    );
    const doc = json<RestoreDoc>(run);
    expect(doc.restoredSecrets).toEqual([]);
    expect(doc.spec.adoptedAdminTokenSecretArn).toBeUndefined();
    expect(sm.calls).toEqual([]);
    const resources = readAccount(f).resources.filter((r) => r.stack === betaStack);
    const ids = resources.filter((r) => r.type === SECRET && r.name === "beta-admin-token").map((r) => r.id);
    expect(oldArn).toMatch(/:secret:beta-admin-token-/);
    expect(ids).toHaveLength(1);
    expect(ids).not.toContain(oldArn);
    expect(resources.filter((r) => r.type === SECRET_VERSION)).toHaveLength(1);
  });

  it("when the stack fails after RestoreSecret, says the secret was restored; rerunning the restore finishes it", async () => {
    await expectOk(
      f.run([
        "provision",
        "tenant",
        "gamma",
        "--tier",
        "basic",
        "--display-name",
        "Gamma",
        "--image",
        IMAGE_V1,
        "--yes",
      ]),
      "provision gamma",
    );
    const gammaStack = "tenantctl-tenants/dev-gamma";
    const arn = readAccount(f).resources.find(
      (r) => r.stack === gammaStack && r.type === SECRET && r.name === "gamma-admin-token",
    )?.id;
    await expectOk(f.run(["teardown", "tenant", "gamma", "--yes"]), "teardown gamma");
    const failed = await f.run(["restore", "tenant", "gamma", "--restore-secrets"], {
      ...sm.env,
      PULUMI_STANDIN_FAIL: "aws:ecs/service:Service::*",
    });
    expect(failed.code).toBe(1);
    expect(errorLines(failed)).toEqual([
      expect.stringMatching(
        /the secrets were restored \(gamma-admin-token-\w+\) and stay so: rerun `tenantctl restore tenant gamma --env dev --restore-secrets` to finish/,
      ),
    ]);
    expect(deletedSecrets(f.backendRoot).filter((s) => s.arn === arn)).toEqual([]);
    const retried = await f.run(["restore", "tenant", "gamma", "--restore-secrets", "--json"], sm.env);
    expect(retried.code).toBe(0);
    const doc = json<RestoreDoc>(retried);
    expect(doc.adoptedAdminTokenSecretArn).toBe(arn);
    const resources = readAccount(f).resources.filter((r) => r.stack === gammaStack);
    expect(resources.filter((r) => r.type === SECRET && r.name === "gamma-admin-token").map((r) => r.id)).toEqual([
      arn,
    ]);
    expect(resources.some((r) => r.type === "aws:ecs/service:Service")).toBe(true);
    expect(resources.filter((r) => r.type === SECRET_VERSION)).toEqual([]);
  });
});
