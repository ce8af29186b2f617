/**
 * A warm-pool slot and the tenant it becomes, under the simulation: the slot is complete but unrouted and without a
 * customer; claiming it changes only the identity secret's value, the listener rule's host, the DNS record (with a
 * zone) and tags — never the database, a task definition or a name.
 */
import { synthesize, type SynthResource, type SynthResult } from "../../infra/sim/synth";
import { claimedSpec, slotSpec } from "../../infra/pool-spec";
import { tenantNames } from "../../infra/naming";
import { parseTenantSpec } from "../../infra/spec";
import { newTenantId, tenantIdProblem } from "../../infra/tenant-id";
import { SLOT_HOST_SUFFIX } from "../../infra/tenant/context";
import { identityDocument } from "../../infra/tenant/identity";
import { tenantProgram } from "../../infra/tenant/program";
import { ACCOUNT, sharedOutputs, tenantSpec } from "./fixtures";
import { all, one, policyOf, synthTenant } from "./synth-helpers";

const TENANT_ID = "tq3x7k2mzpa";
const slot = slotSpec({
  tenantId: TENANT_ID,
  env: "dev",
  tier: "standard",
  image: tenantSpec().image,
  listenerPriority: 120,
  loadBalancer: "alb-1",
});
const claimed = claimedSpec(slot, {
  slug: "acme",
  displayName: "ACME Corp",
  skin: { primaryColor: "#ff6600", logoUrl: "https://cdn.example.com/a.png" },
  owner: "ops@acme.example",
});
const zone = sharedOutputs({ hostedZoneId: "Z0123456789ABCDEFGHIJ" });

const envOf = (r: SynthResource): Record<string, string> => {
  const defs = JSON.parse(String(r.inputs["containerDefinitions"])) as {
    environment: { name: string; value: string }[];
  }[];
  return Object.fromEntries((defs[0]?.environment ?? []).map((e) => [e.name, e.value]));
};
const key = (r: SynthResource): string => `${r.type}::${r.name}`;
// Write-only inputs (the admin token's fresh random value) are never diffed by the provider.
const withoutTags = (inputs: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(inputs).filter(([k]) => k !== "tags" && k !== "tagsAll" && !/.Wo$/.test(k)));

describe("tenant ids", () => {
  it("are fresh, valid slugs and refused when malformed", () => {
    const ids = new Set(Array.from({ length: 200 }, () => newTenantId()));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(tenantIdProblem(id)).toBeUndefined();
    expect(newTenantId(Buffer.alloc(7))).toBe("taaaaaaaaaa");
    expect(tenantIdProblem("acme")).toMatch(/"acme" is not a tenant id \(allowed: "t" followed by 10/);
    expect(tenantIdProblem("t0000000000")).toMatch(/not a tenant id/);
  });

  it("are checked in the spec: a slot is named by its id, a preview has none", () => {
    expect(() => parseTenantSpec({ ...slot, slug: "other" })).toThrow(
      /slot: slug "other" and tenantId "tq3x7k2mzpa" must be equal/,
    );
    expect(() => parseTenantSpec({ ...slot, tenantId: undefined })).toThrow(/must be equal in a pool slot/);
    expect(() => parseTenantSpec({ ...tenantSpec(), tenantId: "nope" })).toThrow(/tenantId: "nope" is not a tenant id/);
    expect(() => parseTenantSpec({ ...tenantSpec(), slot: false })).toThrow(/slot: false is not allowed/);
    expect(() =>
      parseTenantSpec({
        ...tenantSpec({
          slug: "feature-x",
          tier: "preview",
          preview: { branch: "x", expiresAt: "2026-12-01T00:00:00Z" },
        }),
        tenantId: TENANT_ID,
      }),
    ).toThrow(/tenantId: "tq3x7k2mzpa" cannot be given to a preview/);
  });

  it("drive every name but the stack and the DNS label, so a claim renames nothing in AWS", () => {
    const before = tenantNames(slot);
    const after = tenantNames(claimed);
    expect(before.stack).toBe(`dev-${TENANT_ID}`);
    expect(after.stack).toBe("dev-acme");
    expect(after.dnsLabel).toBe("acme");
    const { stack: _a, dnsLabel: _b, ...rest } = after;
    const { stack: _c, dnsLabel: _d, ...restBefore } = before;
    expect(rest).toEqual(restBefore);
    expect(after.taskFamily).toBe(`tenant-dev-${TENANT_ID}`);
    expect(after.finalSnapshotIdentifier).toBe(`tenantctl-dev-${TENANT_ID}-final-1`);
  });

  it("give an identity document per state", () => {
    expect(identityDocument(slot)).toEqual({ state: "unassigned", tenantId: TENANT_ID });
    expect(identityDocument(claimed)).toEqual({
      state: "assigned",
      tenantId: TENANT_ID,
      slug: "acme",
      displayName: "ACME Corp",
      primaryColor: "#ff6600",
      logoUrl: "https://cdn.example.com/a.png",
    });
  });
});

describe.each([
  ["without a hosted zone", sharedOutputs()],
  ["with a hosted zone", zone],
])("a pool slot and its claim (%s)", (_label, shared) => {
  let before: SynthResult;
  let after: SynthResult;
  beforeAll(async () => {
    before = await synthTenant(slot, shared);
    // The claim's `up` runs on the slot's stack; the stack is renamed afterwards (cli/pool/claim.ts).
    after = await synthesize(tenantProgram(claimed, shared), {
      project: "tenantctl-tenants",
      stack: tenantNames(slot).stack,
      ctx: ACCOUNT,
    });
  });

  it("break no AWS rule", () => {
    expect(before.violations).toEqual([]);
    expect(after.violations).toEqual([]);
  });

  it("the slot is complete but unrouted: its rule matches only an unresolvable host, no DNS record", () => {
    const rule = one(before, "aws:lb/listenerRule:ListenerRule");
    expect(JSON.stringify(rule.inputs["conditions"])).toContain(`${TENANT_ID}.${SLOT_HOST_SUFFIX}`);
    expect(rule.inputs["priority"]).toBe(120);
    expect(all(before, "aws:route53/record:Record")).toEqual([]);
    expect(all(before, "aws:rds/instance:Instance")).toHaveLength(1);
    expect(all(before, "aws:ecs/service:Service")).toHaveLength(1);
    expect(one(before, "aws:ecs/service:Service").inputs["tags"]).toMatchObject({
      tenant: TENANT_ID,
      "tenant-id": TENANT_ID,
      "pool-slot": "unassigned",
    });
  });

  it("the app gets its identity from the identity secret, which its task role (and only it) may read", () => {
    const taskDef = one(after, "aws:ecs/taskDefinition:TaskDefinition", `${TENANT_ID}-taskdef`);
    const env = envOf(taskDef);
    expect(env).toMatchObject({ TENANT_ID });
    expect(env["TENANT_IDENTITY_SECRET_ARN"]).toMatch(/:secret:tq3x7k2mzpa-identity-/);
    for (const k of ["TENANT_SLUG", "TENANT_DISPLAY_NAME", "SKIN_PRIMARY_COLOR", "SKIN_LOGO_URL"])
      expect(env[k]).toBeUndefined();
    const identityArn = env["TENANT_IDENTITY_SECRET_ARN"];
    const taskPolicy = policyOf(one(after, "aws:iam/rolePolicy:RolePolicy", `${TENANT_ID}-task-secrets`), "policy");
    expect(taskPolicy.Statement[0]?.["Resource"]).toContain(identityArn);
    const bootPolicy = JSON.stringify(
      policyOf(one(after, "aws:iam/rolePolicy:RolePolicy", `${TENANT_ID}-boot-secrets`), "policy"),
    );
    expect(bootPolicy).not.toContain("identity");
    const version = one(after, "aws:secretsmanager/secretVersion:SecretVersion", `${TENANT_ID}-identity-value`);
    expect(JSON.parse(String(version.inputs["secretString"]))).toMatchObject({ state: "assigned", slug: "acme" });
  });

  it("the claim changes only the identity value, the rule's host, the DNS record and tags", () => {
    const was = new Map(before.resources.map((r) => [key(r), r]));
    const now = new Map(after.resources.map((r) => [key(r), r]));
    const added = [...now.keys()].filter((k) => !was.has(k));
    const removed = [...was.keys()].filter((k) => !now.has(k));
    expect(removed).toEqual([]);
    expect(added).toEqual(shared.hostedZoneId === undefined ? [] : [`aws:route53/record:Record::${TENANT_ID}-dns`]);
    const changed = [...now.entries()]
      .filter(([k, r]) => was.has(k) && r.custom)
      .filter(
        ([k, r]) => JSON.stringify(withoutTags(r.inputs)) !== JSON.stringify(withoutTags(was.get(k)?.inputs ?? {})),
      )
      .map(([k]) => k)
      .sort();
    expect(changed).toEqual([
      `aws:lb/listenerRule:ListenerRule::${TENANT_ID}-rule`,
      `aws:secretsmanager/secretVersion:SecretVersion::${TENANT_ID}-identity-value`,
    ]);
    const rule = now.get(`aws:lb/listenerRule:ListenerRule::${TENANT_ID}-rule`);
    expect(JSON.stringify(rule?.inputs["conditions"])).toContain("acme.tenants.example.com");
    expect(rule?.inputs["priority"]).toBe(120);
    expect(one(after, "aws:rds/instance:Instance").inputs["tags"]).toMatchObject({
      tenant: "acme",
      "tenant-id": TENANT_ID,
    });
    expect(one(after, "aws:rds/instance:Instance").inputs["tags"]).not.toHaveProperty("pool-slot");
  });
});
