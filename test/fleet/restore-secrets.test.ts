import type { Deployment } from "@pulumi/pulumi/automation";
import { archivedSecrets, DEFAULT_RECOVERY_DAYS, stillReserved } from "../../cli/fleet/restore-secrets";
import { restoreSecretError } from "../../cli/fleet/restore-secrets-aws";

const deployment = (resources: unknown[]): Deployment => ({ version: 3, deployment: { resources } });
const secret = (name: string, days?: number) => ({
  type: "aws:secretsmanager/secret:Secret",
  urn: `urn:pulumi:dev-acme::tenantctl-tenants::tenantctl:tenant:TenantSecrets$aws:secretsmanager/secret:Secret::${name}`,
  inputs: days === undefined ? {} : { recoveryWindowInDays: days },
  outputs: {
    name: `${name}-abc1234`,
    arn: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-abc1234-XyZ123`,
  },
});
const record = (finishedAt: string, secrets: "recovery-window" | "force-deleted" = "recovery-window") => ({
  finishedAt,
  secrets,
});

describe("secrets reserved by a teardown", () => {
  const archived = archivedSecrets(
    deployment([secret("acme-admin-token", 7), { type: "aws:rds/instance:Instance", outputs: {} }]),
  );

  it("reads each secret's name, ARN and recovery window from the archived state", () => {
    expect(archived).toEqual([
      {
        logicalName: "acme-admin-token",
        name: "acme-admin-token-abc1234",
        arn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:acme-admin-token-abc1234-XyZ123",
        recoveryDays: 7,
      },
    ]);
    expect(archivedSecrets(deployment([secret("x")]))[0]?.recoveryDays).toBe(DEFAULT_RECOVERY_DAYS);
    expect(archivedSecrets(undefined)).toEqual([]);
  });

  it("reserves them until the window after the teardown ends", () => {
    const torn = "2026-11-01T00:00:00.000Z";
    expect(stillReserved(record(torn), archived, new Date("2026-11-07T23:59:59Z"))).toEqual([
      expect.objectContaining({ name: "acme-admin-token-abc1234", until: "2026-11-08T00:00:00.000Z" }),
    ]);
    expect(stillReserved(record(torn), archived, new Date("2026-11-08T00:00:01Z"))).toEqual([]);
  });

  it("reserves nothing after a teardown that force-deleted them", () => {
    expect(
      stillReserved(record("2026-11-01T00:00:00Z", "force-deleted"), archived, new Date("2026-11-02T00:00:00Z")),
    ).toEqual([]);
  });
});

describe("Secrets Manager errors of restore --restore-secrets", () => {
  const reserved = {
    logicalName: "acme-admin-token",
    name: "acme-admin-token-abc1234",
    arn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:acme-admin-token-abc1234-XyZ123",
    until: "2026-11-08T00:00:00.000Z",
  };
  const awsError = (name: string, message: string) =>
    Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });

  it.each([
    ["AccessDeniedException", 1, /secretsmanager:RestoreSecret/],
    ["ResourceNotFoundException", 1, /recovery window has passed.*--new-secrets/],
    ["InvalidRequestException", 1, /describe-secret/],
    ["ThrottlingException", 1, /retry/],
    ["CredentialsProviderError", 5, /AWS_PROFILE/],
  ] as const)("%s → exit %d, one line naming the secret and that no stack was created", (name, code, hint) => {
    const error = restoreSecretError(awsError(name, "Could not do it\nsecond line"), reserved, []);
    expect(error.exitCode).toBe(code);
    expect(error.message).not.toContain("\n");
    expect(error.message).toContain("acme-admin-token-abc1234");
    expect(error.message).toContain("no stack was created");
    expect(error.hint).toMatch(hint);
  });

  it("names the secrets already restored when a later one fails", () => {
    const error = restoreSecretError(awsError("AccessDeniedException", "denied"), reserved, [
      { name: "other-secret-1234567", arn: "arn:x" },
    ]);
    expect(error.message).toMatch(/already restored: other-secret-1234567/);
  });
});
