/**
 * Quotas from AWS Service Quotas, end to end through bin/tenantctl.js against a local fake of the service
 * (test/support/fake-service-quotas.ts): no credentials → no request at all; AccessDenied or no answer → one warning
 * line and the fallback; the account's values shown with source `service-quotas`, under flags and TENANTCTL_QUOTA_*;
 * the values cached in the backend and used by provision's check, which itself never calls AWS.
 */
import { expectOk, fleetEnv, IMAGE_V1, json, sharedUp, type CliRun, type FleetEnv } from "./support/fleet-env";
import { startFakeServiceQuotas, type FakeServiceQuotas } from "../support/fake-service-quotas";

jest.setTimeout(15 * 60_000);

interface CapacityDoc {
  quotas: Record<string, number>;
  quotaSources: Record<string, string>;
  rows: { limit: string; scope: string; used: number; max: number; source: string }[];
  serviceQuotas: { status: string; fetchedAt?: string; reason?: string };
}

const CREDENTIALS = {
  AWS_ACCESS_KEY_ID: "AKIDFAKEFAKEFAKE",
  AWS_SECRET_ACCESS_KEY: "fake-secret",
  AWS_REGION: "us-east-1",
};
const APPLIED = { "rds/L-7B6409FD": 120, "iam/L-FE177D64": 2500 };
const DEFAULTS = {
  "rds/L-7B6409FD": 40,
  "iam/L-FE177D64": 1000,
  "elasticloadbalancing/L-822D1B1B": 100,
  "elasticloadbalancing/L-7EED9B64": 100,
};

const warnings = (run: CliRun): string[] =>
  run.stderr.split("\n").filter((l) => l.startsWith("warning: quotas not read"));
const rowOf = (doc: CapacityDoc, limit: string) => doc.rows.find((r) => r.limit === limit);

describe("capacity with Service Quotas (stand-in + fake Service Quotas)", () => {
  let f: FleetEnv;
  const fakes: FakeServiceQuotas[] = [];
  const fake = async (options: Parameters<typeof startFakeServiceQuotas>[0]): Promise<FakeServiceQuotas> => {
    const started = await startFakeServiceQuotas(options);
    fakes.push(started);
    return started;
  };
  const capacity = (sq: FakeServiceQuotas, extra: NodeJS.ProcessEnv = {}, args: string[] = []): Promise<CliRun> =>
    f.run(["capacity", "--json", ...args], { AWS_ENDPOINT_URL_SERVICE_QUOTAS: sq.url, ...extra });

  beforeAll(async () => {
    f = fleetEnv("tenantctl-quotas-");
    await sharedUp(f, 1);
  });

  afterAll(async () => {
    for (const s of fakes) await s.close();
  });

  it("makes no request at all without credentials, and says so in one warning line", async () => {
    const sq = await fake({ applied: APPLIED, defaults: DEFAULTS });
    const run = await expectOk(capacity(sq), "capacity");
    expect(sq.requests).toEqual([]);
    const doc = json<CapacityDoc>(run);
    expect(doc.quotaSources).toEqual({
      rdsInstances: "default",
      iamRoles: "default",
      targetGroupsPerAlb: "default",
      listenerRulesPerAlb: "default",
    });
    expect(doc.serviceQuotas.status).toBe("unavailable");
    expect(warnings(run)).toHaveLength(1);
    expect(warnings(run)[0]).toMatch(/no AWS credentials are configured/);
  });

  it("falls back with one warning line on AccessDenied", async () => {
    const sq = await fake({ fail: "AccessDeniedException" });
    const run = await expectOk(capacity(sq, { ...CREDENTIALS, TENANTCTL_QUOTA_IAM_ROLES: "900" }), "capacity");
    expect(sq.requests.length).toBeGreaterThan(0);
    const doc = json<CapacityDoc>(run);
    expect(doc.quotaSources).toEqual({
      rdsInstances: "default",
      iamRoles: "env",
      targetGroupsPerAlb: "default",
      listenerRulesPerAlb: "default",
    });
    expect(rowOf(doc, "iam-roles")).toMatchObject({ max: 900, source: "env" });
    expect(warnings(run)).toHaveLength(1);
    expect(warnings(run)[0]).toMatch(/AccessDeniedException/);
  });

  it("shows the account's applied values (or AWS's defaults where none is applied) with source service-quotas", async () => {
    const sq = await fake({ applied: APPLIED, defaults: DEFAULTS });
    const run = await expectOk(capacity(sq, CREDENTIALS), "capacity");
    expect(warnings(run)).toEqual([]);
    const doc = json<CapacityDoc>(run);
    expect(doc.quotas).toEqual({
      rdsInstances: 120,
      iamRoles: 2500,
      targetGroupsPerAlb: 100,
      listenerRulesPerAlb: 100,
    });
    expect(Object.values(doc.quotaSources)).toEqual([
      "service-quotas",
      "service-quotas",
      "service-quotas",
      "service-quotas",
    ]);
    expect(rowOf(doc, "rds-instances")).toMatchObject({ max: 120, source: "service-quotas" });
    expect(doc.serviceQuotas.status).toBe("read");
    const asked = sq.requests.map((r) => `${r.operation} ${r.serviceCode}/${r.quotaCode}`).sort();
    expect(asked).toEqual([
      "GetAWSDefaultServiceQuota elasticloadbalancing/L-7EED9B64",
      "GetAWSDefaultServiceQuota elasticloadbalancing/L-822D1B1B",
      "GetServiceQuota elasticloadbalancing/L-7EED9B64",
      "GetServiceQuota elasticloadbalancing/L-822D1B1B",
      "GetServiceQuota iam/L-FE177D64",
      "GetServiceQuota rds/L-7B6409FD",
    ]);
    expect(sq.requests.every((r) => r.signed)).toBe(true);
    expect(run.stdout).not.toContain(CREDENTIALS.AWS_SECRET_ACCESS_KEY);
    expect(run.stderr).not.toContain(CREDENTIALS.AWS_SECRET_ACCESS_KEY);
  });

  it("lets a flag and TENANTCTL_QUOTA_* win over Service Quotas", async () => {
    const sq = await fake({ applied: APPLIED, defaults: DEFAULTS });
    const doc = json<CapacityDoc>(
      await expectOk(
        capacity(sq, { ...CREDENTIALS, TENANTCTL_QUOTA_IAM_ROLES: "900" }, ["--rds-quota", "50"]),
        "capacity",
      ),
    );
    expect(doc.quotaSources).toMatchObject({
      rdsInstances: "flag",
      iamRoles: "env",
      targetGroupsPerAlb: "service-quotas",
    });
    expect(doc.quotas).toMatchObject({ rdsInstances: 50, iamRoles: 900 });
  });

  it("falls back to the values cached by the last read when the service does not answer", async () => {
    const sq = await fake({ fail: "hang" });
    const run = await expectOk(capacity(sq, CREDENTIALS), "capacity");
    expect(warnings(run)).toHaveLength(1);
    expect(warnings(run)[0]).toMatch(/no answer within 3 s; using the values read at/);
    const doc = json<CapacityDoc>(run);
    expect(doc.serviceQuotas.status).toBe("cached");
    expect(rowOf(doc, "rds-instances")).toMatchObject({ max: 120, source: "service-quotas" });
  });

  it("provision checks against the cached values without calling AWS", async () => {
    const sq = await fake({ applied: { ...APPLIED, "rds/L-7B6409FD": 1 }, defaults: DEFAULTS });
    await expectOk(capacity(sq, CREDENTIALS), "capacity");
    const before = sq.requests.length;
    const provision = (slug: string): Promise<CliRun> =>
      f.run(["provision", "tenant", slug, "--image", IMAGE_V1, "--yes"], {
        ...CREDENTIALS,
        AWS_ENDPOINT_URL_SERVICE_QUOTAS: sq.url,
      });
    await expectOk(provision("quota-a"), "provision quota-a");
    const refused = await provision("quota-b");
    expect(refused.code).toBe(5);
    expect(refused.stderr).toMatch(
      /rds-instances: 1 of 1 in use in the account; one more tenant would cross the quota \(limit from service-quotas\)/,
    );
    expect(sq.requests.length).toBe(before);
  });
});
