// Every branch a developer can push must yield a preview whose every AWS name is accepted, and no two branches
// may share a preview (they would deploy over each other). Checked against the simulated AWS rules, not our own.
import fc from "fast-check";
import {
  BASE_DOMAIN_MAX_LENGTH,
  CONTAINER_NAME,
  ENV_MAX_LENGTH,
  NAME_LIMITS,
  slugProblem,
  tenantNames,
  type TenantNames,
} from "../../infra/naming";
import { previewHost, previewSlug, previewStackName, PREVIEW_PROJECT } from "../../infra/preview-naming";
import {
  checkAccountUniqueness,
  checkResource,
  defaultSeed,
  physicalName,
  type AccountResource,
} from "../../infra/sim/aws-model";
import { branchArb, distinctPairArb, envArb } from "./branch-arbitraries";

// The longest base domain the shared config allows, as DNS labels of at most 63 characters.
const LONGEST_BASE_DOMAIN = (() => {
  const labels: string[] = [];
  let left = BASE_DOMAIN_MAX_LENGTH;
  for (; left > 63; left -= 63) labels.push("d".repeat(62));
  labels.push("d".repeat(left));
  return labels.join(".");
})();

const TRUST_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "ecs-tasks.amazonaws.com" } }],
});

/** The AWS resource each auto-named tenant name becomes, with the inputs its other rules need to be satisfied. */
const RESOURCES: readonly {
  key: keyof TenantNames;
  type: string;
  inputs: (n: TenantNames) => Record<string, unknown>;
}[] = [
  {
    key: "dbInstance",
    type: "aws:rds/instance:Instance",
    inputs: () => ({ manageMasterUserPassword: true, skipFinalSnapshot: true }),
  },
  { key: "dbSecurityGroup", type: "aws:ec2/securityGroup:SecurityGroup", inputs: () => ({}) },
  { key: "serviceSecurityGroup", type: "aws:ec2/securityGroup:SecurityGroup", inputs: () => ({}) },
  { key: "adminTokenSecret", type: "aws:secretsmanager/secret:Secret", inputs: () => ({ recoveryWindowInDays: 0 }) },
  { key: "executionRole", type: "aws:iam/role:Role", inputs: () => ({ assumeRolePolicy: TRUST_POLICY }) },
  { key: "taskRole", type: "aws:iam/role:Role", inputs: () => ({ assumeRolePolicy: TRUST_POLICY }) },
  { key: "taskRoleSecretsPolicy", type: "aws:iam/rolePolicy:RolePolicy", inputs: () => ({ policy: TRUST_POLICY }) },
  { key: "service", type: "aws:ecs/service:Service", inputs: () => ({}) },
  {
    key: "taskDefinition",
    type: "aws:ecs/taskDefinition:TaskDefinition",
    inputs: (n) => ({
      family: n.taskFamily,
      containerDefinitions: JSON.stringify([
        {
          name: CONTAINER_NAME,
          image: "app:1",
          logConfiguration: {
            logDriver: "awslogs",
            options: { "awslogs-group": "g", "awslogs-region": "r", "awslogs-stream-prefix": n.logStreamPrefix },
          },
        },
      ]),
    }),
  },
  {
    key: "targetGroup",
    type: "aws:lb/targetGroup:TargetGroup",
    inputs: () => ({ port: 8080, protocol: "HTTP", targetType: "ip" }),
  },
];

/** The named AWS resources of one preview, as the simulated account sees them. */
function previewResources(
  env: string,
  branch: string,
  priority: number,
): { names: TenantNames; resources: AccountResource[] } {
  const names = tenantNames({
    slug: previewSlug(branch),
    env,
    preview: { branch, expiresAt: "2030-01-01T00:00:00Z" },
    generation: 1,
  });
  const stack = previewStackName(env, branch);
  const resources = RESOURCES.map((r): AccountResource => {
    const logical = names[r.key];
    if (typeof logical !== "string") throw new Error(`${r.key} is not a name`);
    const inputs = r.inputs(names);
    const physical = physicalName(r.type, logical, inputs, defaultSeed(PREVIEW_PROJECT, stack, r.type, logical));
    return { type: r.type, name: logical, stack, physicalName: physical, inputs, outputs: {} };
  });
  const host = previewHost(branch, LONGEST_BASE_DOMAIN);
  const rule = {
    listenerArn: "arn:https-listener",
    priority,
    conditions: [{ hostHeader: { values: [host] } }],
    actions: [{ type: "forward" }],
  };
  resources.push({
    type: "aws:lb/listenerRule:ListenerRule",
    name: names.listenerRule,
    stack,
    physicalName: undefined,
    inputs: rule,
    outputs: {},
  });
  return { names, resources };
}

/** Violations of AWS's naming rules for every name a preview of `branch` derives; empty when all fit. */
function nameViolations(env: string, branch: string): string[] {
  const { names, resources } = previewResources(env, branch, 1);
  const found: string[] = [];
  const stack = previewStackName(env, branch);
  if (names.project !== PREVIEW_PROJECT || names.stack !== stack)
    found.push(`stack ${stack} vs naming's ${names.project}/${names.stack}`);
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(stack)) found.push(`stack name ${stack}`);
  for (const r of resources) {
    if (r.physicalName === undefined && r.type !== "aws:lb/listenerRule:ListenerRule")
      found.push(`${r.name}: no physical name`);
    found.push(
      ...checkResource(r.type, r.name, r.inputs, r.physicalName).map((v) => `${r.name}: ${v.rule}: ${v.message}`),
    );
  }
  for (const limit of NAME_LIMITS) {
    const value = names[limit.name];
    if (value !== undefined && value.length + limit.autoNameSuffix > limit.max)
      found.push(`${limit.name} over ${limit.what} limit`);
  }
  const host = previewHost(branch, LONGEST_BASE_DOMAIN);
  if (host.split(".")[0] !== names.dnsLabel)
    found.push(`host ${host} does not start with the DNS label ${names.dnsLabel}`);
  return found;
}

describe("preview names derived from arbitrary branches", () => {
  it("the longest allowed base domain is what the test uses", () => {
    expect(LONGEST_BASE_DOMAIN).toHaveLength(BASE_DOMAIN_MAX_LENGTH);
    expect(LONGEST_BASE_DOMAIN.split(".").every((l) => l.length >= 1 && l.length <= 63)).toBe(true);
  });

  it("every derived name of 1,500 branches fits AWS's rules", () => {
    fc.assert(
      fc.property(envArb, branchArb, (env, branch) => {
        expect(slugProblem(previewSlug(branch))).toBeUndefined();
        expect(nameViolations(env, branch)).toEqual([]);
      }),
      { numRuns: 1500 },
    );
  });

  it("distinct branches get distinct slugs, stacks and hosts (pairs built to collide)", () => {
    fc.assert(
      fc.property(distinctPairArb, ([a, b]) => {
        expect(a).not.toBe(b);
        expect(previewSlug(a)).not.toBe(previewSlug(b));
        expect(previewStackName("dev", a)).not.toBe(previewStackName("dev", b));
        expect(previewHost(a, "example.com")).not.toBe(previewHost(b, "example.com"));
      }),
      { numRuns: 1500 },
    );
  });

  it("a batch of distinct branches deploys side by side in one account without a name clash", () => {
    fc.assert(
      fc.property(fc.uniqueArray(branchArb, { minLength: 2, maxLength: 40 }), (branches) => {
        const env = "e".repeat(ENV_MAX_LENGTH);
        expect(new Set(branches.map((b) => previewStackName(env, b))).size).toBe(branches.length);
        const account = branches.flatMap((b, i) => previewResources(env, b, i + 1).resources);
        expect(checkAccountUniqueness(account)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it("is deterministic, and keeps a branch that already is a valid slug", () => {
    fc.assert(
      fc.property(branchArb, (branch) => {
        const slug = previewSlug(branch);
        expect(previewSlug(branch)).toBe(slug);
        const keepable = slugProblem(branch) === undefined && !/-[0-9a-f]{8}$/.test(branch);
        expect(slug === branch).toBe(keepable);
      }),
      { numRuns: 500 },
    );
  });

  it("the generated branches cover the shapes that matter", () => {
    const sample = fc.sample(branchArb, { numRuns: 2000, seed: 6 });
    const share = (p: (b: string) => boolean): number => sample.filter(p).length / sample.length;
    expect(share((b) => previewSlug(b) === b)).toBeGreaterThan(0.05);
    expect(share((b) => b.includes("/"))).toBeGreaterThan(0.1);
    expect(share((b) => /[^ -~]/.test(b))).toBeGreaterThan(0.1);
    expect(share((b) => b.length >= 200)).toBeGreaterThan(0.05);
    expect(share((b) => /-[0-9a-f]{8}$/.test(b) && slugProblem(b) === undefined)).toBeGreaterThan(0.02);
  });
});
