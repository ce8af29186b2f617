import { SharedConfigError } from "../../infra/errors";
import { albDeletionProtection, parseSharedConfig, resolveAppPath } from "../../infra/shared/config";
import { BASE_DOMAIN_MAX_LENGTH } from "../../infra/naming";

const minimal = { env: "dev", region: "us-east-1", baseDomain: "tenants.example.com" };

function problems(input: unknown): readonly string[] {
  try {
    parseSharedConfig(input);
  } catch (error) {
    if (error instanceof SharedConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a SharedConfigError");
}

describe("parseSharedConfig", () => {
  it("fills the documented defaults", () => {
    expect(parseSharedConfig(minimal)).toEqual({
      ...minimal,
      vpcCidr: "10.0.0.0/16",
      azCount: 2,
      natStrategy: "single",
      logRetentionDays: 30,
      appPath: "app",
      albCount: 1,
    });
  });

  it("reads Pulumi's string values as numbers and booleans", () => {
    const config = parseSharedConfig({
      ...minimal,
      azCount: "3",
      logRetentionDays: "365",
      albCount: "2",
      albDeletionProtection: "false",
    });
    expect(config).toMatchObject({ azCount: 3, logRetentionDays: 365, albCount: 2, albDeletionProtection: false });
  });

  it("protects ALBs everywhere but dev unless told otherwise", () => {
    expect(albDeletionProtection(parseSharedConfig(minimal))).toBe(false);
    expect(albDeletionProtection(parseSharedConfig({ ...minimal, env: "prod" }))).toBe(true);
    expect(albDeletionProtection(parseSharedConfig({ ...minimal, env: "prod", albDeletionProtection: false }))).toBe(
      false,
    );
  });

  it.each([
    ["logRetentionDays", 10, /^logRetentionDays: 10 is not a CloudWatch retention \(allowed: 1, 3, 5, 7, 14/],
    ["azCount", 1, /^azCount: 1 is too small \(allowed: 2-6\)/],
    ["natStrategy", "perAz", /^natStrategy: "perAz" is not a NAT strategy \(allowed: single, onePerAz\)/],
    ["vpcCidr", "10.0.0.0/8", /^vpcCidr: "10.0.0.0\/8" is not an IPv4 CIDR block of size \/16 to \/20/],
    ["vpcCidr", "300.0.0.0/16", /^vpcCidr: "300.0.0.0\/16"/],
    ["baseDomain", "Example.COM", /^baseDomain: "Example.COM" is not a lowercase domain name/],
    ["baseDomain", `${"a".repeat(BASE_DOMAIN_MAX_LENGTH - 3)}.com`, /^baseDomain: .* at most 98 characters/],
    ["region", "useast1", /^region: "useast1" is not an AWS region/],
    ["hostedZoneId", "abc", /^hostedZoneId: "abc" is not a Route 53 zone id/],
    ["imageUri", "app", /^imageUri: "app" has neither a tag nor a digest/],
    ["albCount", 11, /^albCount: 11 is too large \(allowed: 1-10\)/],
  ] as const)("rejects %s = %j", (key, value, message) => {
    expect(problems({ ...minimal, [key]: value })).toEqual([expect.stringMatching(message)]);
  });

  it("accepts the longest base domain that still fits every preview host", () => {
    const domain = `${"a".repeat(BASE_DOMAIN_MAX_LENGTH - 4)}.com`;
    expect(domain.length).toBe(BASE_DOMAIN_MAX_LENGTH);
    expect(() => parseSharedConfig({ ...minimal, baseDomain: domain })).toThrow(SharedConfigError);
  });
});

describe("resolveAppPath", () => {
  it("resolves a relative appPath against the project directory, not the working directory", () => {
    const config = parseSharedConfig(minimal);
    expect(resolveAppPath(config, "/repo").appPath).toBe("/repo/app");
    expect(resolveAppPath({ ...config, appPath: "../elsewhere/app" }, "/repo").appPath).toBe("/elsewhere/app");
    expect(resolveAppPath({ ...config, appPath: "/abs/app" }, "/repo").appPath).toBe("/abs/app");
  });
});
