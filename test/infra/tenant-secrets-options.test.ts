/** The tenant program's secret options: an adopted admin-token secret (restore --restore-secrets) and force-delete. */
import { parseTenantSpec } from "../../infra/spec";
import { tenantProgram } from "../../infra/tenant/program";
import { secretNameFromArn } from "../../infra/tenant/secrets";
import { previewSpec, sharedOutputs, tenantSpec } from "./fixtures";
import { all, one, publicInputs, synthTenant } from "./synth-helpers";

const SECRET = "aws:secretsmanager/secret:Secret";
const ADMIN_TOKEN = "acme-admin-token";
const SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion";
const ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:acme-admin-token-1a2b3c4-XyZ123";

describe("tenant program: adopted admin-token secret", () => {
  const adopted = tenantSpec({ adoptedAdminTokenSecretArn: ARN });

  it("reads the secret's name from its ARN", () => {
    expect(secretNameFromArn(ARN)).toBe("acme-admin-token-1a2b3c4");
    expect(() => secretNameFromArn("arn:aws:s3:::bucket")).toThrow(/not a Secrets Manager secret ARN/);
  });

  it("imports the secret on the restore run, names it after its ARN and writes no new token", async () => {
    const result = await synthTenant(adopted, sharedOutputs(), { adoptAdminTokenSecret: { arn: ARN } });
    expect(result.violations).toEqual([]);
    const secret = one(result, SECRET, ADMIN_TOKEN);
    expect(secret.id).toBe(ARN);
    expect(secret.inputs).toMatchObject({ name: "acme-admin-token-1a2b3c4", recoveryWindowInDays: 7 });
    expect(all(result, SECRET_VERSION)).toEqual([]);
  });

  it("gives the same resources without the import option, so later updates change nothing", async () => {
    const restoreRun = await synthTenant(adopted, sharedOutputs(), { adoptAdminTokenSecret: { arn: ARN } });
    const laterRun = await synthTenant(adopted);
    const shape = (r: typeof restoreRun) =>
      r.resources
        .filter((x) => x.custom)
        .map((x) => [x.type, x.name, JSON.stringify(publicInputs(x))])
        .sort();
    expect(shape(laterRun)).toEqual(shape(restoreRun));
    expect(one(laterRun, SECRET, ADMIN_TOKEN).id).not.toBe(ARN);
  });

  it("refuses an adoption the spec does not record (later runs would write a new token)", () => {
    expect(() => tenantProgram(tenantSpec(), sharedOutputs(), { adoptAdminTokenSecret: { arn: ARN } })).toThrow(
      /must be recorded in the spec/,
    );
  });

  it("creates a fresh secret and token without an adoption", async () => {
    const result = await synthTenant(tenantSpec());
    expect(one(result, SECRET, ADMIN_TOKEN).inputs["name"]).toBeUndefined();
    expect(all(result, SECRET_VERSION)).toHaveLength(1);
  });

  it("validates the recorded ARN, and previews cannot adopt", () => {
    expect(() => tenantSpec({ adoptedAdminTokenSecretArn: "acme-admin-token" })).toThrow(
      /adoptedAdminTokenSecretArn: "acme-admin-token" is not a Secrets Manager secret ARN/,
    );
    expect(() => previewSpec({ adoptedAdminTokenSecretArn: ARN })).toThrow(
      /adoptedAdminTokenSecretArn: .* cannot be adopted by a preview/,
    );
    expect(parseTenantSpec(JSON.parse(JSON.stringify(adopted)))).toEqual(adopted);
  });
});

describe("tenant program: force-deleted secrets", () => {
  it("keeps a tenant's secret 7 days by default, 0 with forceDeleteSecrets; previews always 0", async () => {
    // Both of a tenant's secrets (admin token and app role login) follow the same window.
    const windows = (r: Awaited<ReturnType<typeof synthTenant>>) =>
      all(r, SECRET).map((x) => x.inputs["recoveryWindowInDays"]);
    expect(windows(await synthTenant(tenantSpec()))).toEqual([7, 7]);
    expect(windows(await synthTenant(tenantSpec(), sharedOutputs(), { forceDeleteSecrets: true }))).toEqual([0, 0]);
    expect(windows(await synthTenant(previewSpec()))).toEqual([0, 0]);
  });
});
