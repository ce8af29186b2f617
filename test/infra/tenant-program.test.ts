import type { SynthResult } from "../../infra/sim/synth";
import { parseTenantSpec } from "../../infra/spec";
import { SpecSharedMismatchError } from "../../infra/errors";
import { TENANT_OUTPUT_KEYS } from "../../infra/tenant/outputs";
import { tenantProgram } from "../../infra/tenant/program";
import { previewSpec, sharedOutputs, tenantSpec } from "./fixtures";
import { all, one, policyOf, publicInputs, synthTenant } from "./synth-helpers";

const UNTAGGABLE = new Set([
  "aws:secretsmanager/secretVersion:SecretVersion", "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:route53/record:Record",
]);

describe("tenant program (standard tenant)", () => {
  let result: SynthResult;
  beforeAll(async () => {
    result = await synthTenant(tenantSpec());
  });

  it("breaks no AWS rule", () => {
    expect(result.violations).toEqual([]);
  });

  it("creates exactly the tenant's resources, each under a tenant component whose name it starts with", () => {
    const components = result.resources.filter((r) => r.type.startsWith("tenantctl:"));
    expect(components.map((c) => c.type).sort()).toEqual([
      "tenantctl:tenant:TenantDatabase", "tenantctl:tenant:TenantRouting", "tenantctl:tenant:TenantSecrets", "tenantctl:tenant:TenantService",
    ]);
    const byUrn = new Map(result.resources.map((r) => [r.urn, r]));
    const custom = result.resources.filter((r) => r.custom);
    expect(custom.map((r) => r.type.split(":")[2]).sort()).toEqual([
      "Instance", "ListenerRule", "Role", "Role", "RolePolicy", "RolePolicyAttachment", "Secret", "SecretVersion",
      "SecurityGroup", "SecurityGroup", "SecurityGroupEgressRule", "SecurityGroupEgressRule", "SecurityGroupIngressRule",
      "SecurityGroupIngressRule", "Service", "TargetGroup", "TaskDefinition",
    ]);
    for (const r of custom) {
      const parent = byUrn.get(r.parent ?? "");
      expect(parent?.type).toMatch(/^tenantctl:tenant:/);
      expect(r.name.startsWith(`${parent?.name ?? "?"}-`)).toBe(true);
    }
  });

  it("tags every taggable resource with tenant, env, tier and managed-by", () => {
    for (const r of result.resources.filter((x) => x.custom && !UNTAGGABLE.has(x.type))) {
      expect([r.type, r.inputs["tags"]]).toEqual([r.type, { tenant: "acme", env: "dev", tier: "standard", "managed-by": "tenantctl" }]);
    }
  });

  it("makes a private, encrypted, protected Postgres with an RDS-managed password and a final snapshot", () => {
    const db = one(result, "aws:rds/instance:Instance");
    expect(db.protect).toBe(true);
    expect(db.inputs).toMatchObject({
      engine: "postgres", instanceClass: "db.t4g.small", allocatedStorage: 50, multiAz: false,
      manageMasterUserPassword: true, storageEncrypted: true, publiclyAccessible: false, copyTagsToSnapshot: true,
      deletionProtection: true, skipFinalSnapshot: false, finalSnapshotIdentifier: "tenantctl-dev-acme-final-1",
      backupRetentionPeriod: 14, dbSubnetGroupName: sharedOutputs().dbSubnetGroupName, dbName: "app", username: "app_owner",
    });
    expect(db.inputs["password"]).toBeUndefined();
    const dbSg = one(result, "aws:ec2/securityGroup:SecurityGroup", "acme-db-sg");
    expect(db.inputs["vpcSecurityGroupIds"]).toEqual([dbSg.id]);
  });

  it("lets only the tenant's service reach the database, and the service only from the ALB", () => {
    const dbSg = one(result, "aws:ec2/securityGroup:SecurityGroup", "acme-db-sg");
    const svcSg = one(result, "aws:ec2/securityGroup:SecurityGroup", "acme-svc-sg");
    const ingress = all(result, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map((r) => r.inputs);
    expect(ingress).toHaveLength(2);
    expect(ingress).toContainEqual(expect.objectContaining({
      securityGroupId: dbSg.id, ipProtocol: "tcp", fromPort: 5432, toPort: 5432, referencedSecurityGroupId: svcSg.id,
    }));
    expect(ingress).toContainEqual(expect.objectContaining({
      securityGroupId: svcSg.id, fromPort: 8080, toPort: 8080, referencedSecurityGroupId: sharedOutputs().loadBalancers[0]?.securityGroupId,
    }));
    for (const rule of ingress) expect(rule["cidrIpv4"]).toBeUndefined();
  });

  it("lets the app role read exactly this tenant's two secrets, and the execution role none", () => {
    const db = one(result, "aws:rds/instance:Instance");
    const secret = one(result, "aws:secretsmanager/secret:Secret");
    const dbSecretArn = (db.outputs["masterUserSecrets"] as { secretArn: string }[])[0]?.secretArn;
    const policies = all(result, "aws:iam/rolePolicy:RolePolicy");
    expect(policies).toHaveLength(1);
    const [policy] = policies;
    const taskRole = one(result, "aws:iam/role:Role", "acme-task");
    expect(policy?.inputs["role"]).toBe(taskRole.outputs["name"] ?? taskRole.inputs["name"] ?? taskRole.physicalName);
    expect(policyOf(policy!, "policy").Statement).toEqual([expect.objectContaining({
      Resource: [String(secret.outputs["arn"]), String(dbSecretArn)].sort(),
    })]);
    for (const role of all(result, "aws:iam/role:Role")) {
      const [trust] = policyOf(role, "assumeRolePolicy").Statement;
      expect(trust?.["Condition"]).toMatchObject({ StringEquals: { "aws:SourceAccount": "123456789012" } });
    }
  });

  it("runs the service privately behind its target group with circuit-breaker rollback", () => {
    const service = one(result, "aws:ecs/service:Service");
    const tg = one(result, "aws:lb/targetGroup:TargetGroup");
    expect(service.inputs).toMatchObject({
      launchType: "FARGATE", desiredCount: 2, cluster: sharedOutputs().clusterArn,
      networkConfiguration: { assignPublicIp: false, subnets: sharedOutputs().privateSubnetIds },
      deploymentCircuitBreaker: { enable: true, rollback: true },
      loadBalancers: [{ targetGroupArn: tg.outputs["arn"], containerName: "app", containerPort: 8080 }],
    });
    expect(service.inputs["healthCheckGracePeriodSeconds"]).toBeGreaterThan(0);
  });

  it("routes <slug>.<baseDomain> at the spec's priority on the spec's ALB to an ip target group", () => {
    expect(one(result, "aws:lb/targetGroup:TargetGroup").inputs).toMatchObject({
      targetType: "ip", port: 8080, protocol: "HTTP", healthCheck: { path: "/healthz" }, deregistrationDelay: 30,
    });
    expect(one(result, "aws:lb/listenerRule:ListenerRule").inputs).toMatchObject({
      listenerArn: sharedOutputs().loadBalancers[0]?.httpsListenerArn,
      priority: 42,
      conditions: [{ hostHeader: { values: ["acme.tenants.example.com"] } }],
    });
  });

  it("exports the spec and ARNs, never a secret value", () => {
    expect(Object.keys(result.outputs).sort()).toEqual([...TENANT_OUTPUT_KEYS].sort());
    expect(parseTenantSpec(result.outputs["spec"])).toEqual(tenantSpec());
    const version = one(result, "aws:secretsmanager/secretVersion:SecretVersion");
    expect(version.secretInputs).toEqual(["secretStringWo"]);
    const token = String(version.inputs["secretStringWo"]);
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(JSON.stringify(result.outputs)).not.toContain(token);
    const others = result.resources.filter((r) => r !== version).map((r) => JSON.stringify(r.inputs));
    for (const text of others) expect(text).not.toContain(token);
  });

  it("yields the same resources for the same spec (secret values aside)", async () => {
    const again = await synthTenant(tenantSpec());
    expect(again.resources.map(publicInputs)).toEqual(result.resources.map(publicInputs));
    expect(again.resources.map((r) => r.physicalName)).toEqual(result.resources.map((r) => r.physicalName));
    expect(again.outputs).toEqual(result.outputs);
  });
});

describe("tenant program variants", () => {
  it("builds a preview small, unprotected and quick to delete", async () => {
    const result = await synthTenant(previewSpec());
    expect(result.violations).toEqual([]);
    const db = one(result, "aws:rds/instance:Instance");
    expect(db.protect).toBe(false);
    expect(db.inputs).toMatchObject({ deletionProtection: false, skipFinalSnapshot: true, backupRetentionPeriod: 0, instanceClass: "db.t4g.micro" });
    expect(db.inputs["finalSnapshotIdentifier"]).toBeUndefined();
    expect(one(result, "aws:secretsmanager/secret:Secret").inputs["recoveryWindowInDays"]).toBe(0);
    expect(one(result, "aws:lb/targetGroup:TargetGroup").inputs["deregistrationDelay"]).toBe(5);
    expect(one(result, "aws:lb/listenerRule:ListenerRule").inputs["conditions"]).toEqual([
      { hostHeader: { values: ["feature-login-1a2b3c.preview.tenants.example.com"] } },
    ]);
    expect(Object.keys(result.outputs)).not.toContain("finalSnapshotIdentifier");
    expect(one(result, "aws:ecs/taskDefinition:TaskDefinition").inputs["tags"]).toMatchObject({ "expires-at": "2026-12-01T00:00:00Z" });
  });

  it("releases protection for teardown but still takes the final snapshot", async () => {
    const result = await synthTenant(tenantSpec(), sharedOutputs(), { releaseProtection: true });
    const db = one(result, "aws:rds/instance:Instance");
    expect(db.protect).toBe(false);
    expect(db.inputs).toMatchObject({ deletionProtection: false, skipFinalSnapshot: false, finalSnapshotIdentifier: "tenantctl-dev-acme-final-1" });
  });

  it("sits on the load balancer the spec names and points DNS at it when a zone is managed", async () => {
    const shared = sharedOutputs({ hostedZoneId: "Z0123456789ABCDEFGHIJ" });
    const result = await synthTenant(tenantSpec({ loadBalancer: "alb-1", tier: "premium" }), shared);
    expect(result.violations).toEqual([]);
    const alb1 = shared.loadBalancers[1];
    expect(one(result, "aws:lb/listenerRule:ListenerRule").inputs["listenerArn"]).toBe(alb1?.httpsListenerArn);
    expect(one(result, "aws:route53/record:Record").inputs).toMatchObject({
      zoneId: "Z0123456789ABCDEFGHIJ", name: "acme.tenants.example.com", type: "A",
      aliases: [{ name: alb1?.dnsName, zoneId: alb1?.zoneId, evaluateTargetHealth: true }],
    });
    expect(one(result, "aws:rds/instance:Instance").inputs).toMatchObject({ multiAz: true, instanceClass: "db.m7g.large" });
    expect(result.outputs["loadBalancer"]).toBe("alb-1");
  });

  it("restores from a snapshot, taking database and user from it", async () => {
    const result = await synthTenant(tenantSpec({ restoreFromSnapshot: "tenantctl-dev-acme-final-1", generation: 2 }));
    expect(result.violations).toEqual([]);
    const db = one(result, "aws:rds/instance:Instance").inputs;
    expect(db).toMatchObject({ snapshotIdentifier: "tenantctl-dev-acme-final-1", finalSnapshotIdentifier: "tenantctl-dev-acme-final-2" });
    expect(db["dbName"]).toBeUndefined();
    expect(db["username"]).toBeUndefined();
  });

  it("refuses a spec for another environment before creating anything", async () => {
    // Run outside any Pulumi runtime: a resource registration would throw a different error than the one expected.
    await expect(tenantProgram(tenantSpec({ env: "prod" }), sharedOutputs())()).rejects.toThrow(SpecSharedMismatchError);
  });
});
