import type { SynthResult } from "../../infra/sim/synth";
import { parseTenantSpec } from "../../infra/spec";
import { SpecSharedMismatchError } from "../../infra/errors";
import { TENANT_OUTPUT_KEYS } from "../../infra/tenant/outputs";
import { PER_TENANT } from "../../cli/capacity/capacity-math";
import { tenantProgram } from "../../infra/tenant/program";
import { previewSpec, sharedOutputs, tenantSpec } from "./fixtures";
import { all, one, policyOf, publicInputs, synthTenant } from "./synth-helpers";

const UNTAGGABLE = new Set([
  "aws:secretsmanager/secretVersion:SecretVersion",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:route53/record:Record",
  "aws:lambda/invocation:Invocation",
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
      "tenantctl:tenant:TenantBootstrap",
      "tenantctl:tenant:TenantDatabase",
      "tenantctl:tenant:TenantRouting",
      "tenantctl:tenant:TenantSecrets",
      "tenantctl:tenant:TenantService",
    ]);
    const byUrn = new Map(result.resources.map((r) => [r.urn, r]));
    const custom = result.resources.filter((r) => r.custom);
    expect(custom.map((r) => r.type.split(":")[2]).sort()).toEqual([
      "Instance",
      "Invocation",
      "ListenerRule",
      "Role",
      "Role",
      "Role",
      "RolePolicy",
      "RolePolicy",
      "RolePolicyAttachment",
      "Secret",
      "Secret",
      "SecretVersion",
      "SecurityGroup",
      "SecurityGroup",
      "SecurityGroupEgressRule",
      "SecurityGroupEgressRule",
      "SecurityGroupIngressRule",
      "SecurityGroupIngressRule",
      "Service",
      "TargetGroup",
      "TaskDefinition",
      "TaskDefinition",
    ]);
    for (const r of custom) {
      const parent = byUrn.get(r.parent ?? "");
      expect(parent?.type).toMatch(/^tenantctl:tenant:/);
      expect(r.name.startsWith(`${parent?.name ?? "?"}-`)).toBe(true);
    }
  });

  it("tags every taggable resource with tenant, env, tier and managed-by", () => {
    for (const r of result.resources.filter((x) => x.custom && !UNTAGGABLE.has(x.type))) {
      expect([r.type, r.inputs["tags"]]).toEqual([
        r.type,
        { tenant: "acme", env: "dev", tier: "standard", "managed-by": "tenantctl" },
      ]);
    }
  });

  it("makes a private, encrypted, protected Postgres with an RDS-managed password and a final snapshot", () => {
    const db = one(result, "aws:rds/instance:Instance");
    expect(db.protect).toBe(true);
    expect(db.inputs).toMatchObject({
      engine: "postgres",
      instanceClass: "db.t4g.small",
      allocatedStorage: 50,
      multiAz: false,
      manageMasterUserPassword: true,
      storageEncrypted: true,
      publiclyAccessible: false,
      copyTagsToSnapshot: true,
      deletionProtection: true,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: "tenantctl-dev-acme-final-1",
      backupRetentionPeriod: 14,
      dbSubnetGroupName: sharedOutputs().dbSubnetGroupName,
      dbName: "app",
      username: "app_owner",
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
    expect(ingress).toContainEqual(
      expect.objectContaining({
        securityGroupId: dbSg.id,
        ipProtocol: "tcp",
        fromPort: 5432,
        toPort: 5432,
        referencedSecurityGroupId: svcSg.id,
      }),
    );
    expect(ingress).toContainEqual(
      expect.objectContaining({
        securityGroupId: svcSg.id,
        fromPort: 8080,
        toPort: 8080,
        referencedSecurityGroupId: sharedOutputs().loadBalancers[0]?.securityGroupId,
      }),
    );
    for (const rule of ingress) expect(rule["cidrIpv4"]).toBeUndefined();
  });

  it("lets the service's task role read exactly the app-role and admin-token secrets, never the master secret", () => {
    const db = one(result, "aws:rds/instance:Instance");
    const adminToken = one(result, "aws:secretsmanager/secret:Secret", "acme-admin-token");
    const appSecret = one(result, "aws:secretsmanager/secret:Secret", "acme-db-app");
    const masterSecretArn = String((db.outputs["masterUserSecrets"] as { secretArn: string }[])[0]?.secretArn);
    const taskRole = one(result, "aws:iam/role:Role", "acme-task");
    const policy = one(result, "aws:iam/rolePolicy:RolePolicy", "acme-task-secrets");
    expect(policy.inputs["role"]).toBe(taskRole.outputs["name"] ?? taskRole.inputs["name"] ?? taskRole.physicalName);
    expect(policyOf(policy, "policy").Statement).toEqual([
      expect.objectContaining({
        Resource: [String(adminToken.outputs["arn"]), String(appSecret.outputs["arn"])].sort(),
      }),
    ]);
    // Nothing the service runs with names the master secret: its task definition, its task and execution roles.
    const service = one(result, "aws:ecs/service:Service");
    const serviceTaskDef = all(result, "aws:ecs/taskDefinition:TaskDefinition").find(
      (t) => t.outputs["arn"] === service.inputs["taskDefinition"],
    );
    const execRole = one(result, "aws:iam/role:Role", "acme-exec");
    const attached = all(result, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter(
      (a) => a.inputs["role"] === (execRole.outputs["name"] ?? execRole.physicalName),
    );
    for (const r of [serviceTaskDef!, taskRole, execRole, policy, ...attached])
      expect(JSON.stringify(r.inputs)).not.toContain(masterSecretArn);
    for (const role of all(result, "aws:iam/role:Role")) {
      const [trust] = policyOf(role, "assumeRolePolicy").Statement;
      expect(trust?.["Condition"]).toMatchObject({ StringEquals: { "aws:SourceAccount": "123456789012" } });
    }
  });

  it("creates as many IAM roles as the capacity report counts per tenant", () => {
    expect(all(result, "aws:iam/role:Role")).toHaveLength(PER_TENANT.iamRoles);
  });

  it("gives the service the app secret and TLS against the CA file the image ships", () => {
    const service = one(result, "aws:ecs/service:Service");
    const taskDef = all(result, "aws:ecs/taskDefinition:TaskDefinition").find(
      (t) => t.outputs["arn"] === service.inputs["taskDefinition"],
    );
    const [container] = JSON.parse(String(taskDef?.inputs["containerDefinitions"])) as {
      environment: { name: string; value: string }[];
    }[];
    const env = Object.fromEntries((container?.environment ?? []).map((e) => [e.name, e.value]));
    expect(env["DB_SSL_CA_FILE"]).toBe("/app/certs/rds-global-bundle.pem");
    expect(env["DB_SECRET_ARN"]).toBe(one(result, "aws:secretsmanager/secret:Secret", "acme-db-app").outputs["arn"]);
  });

  it("bootstraps the database with its own task definition and role, the only ones that reach the master secret", () => {
    const db = one(result, "aws:rds/instance:Instance");
    const masterSecretArn = String((db.outputs["masterUserSecrets"] as { secretArn: string }[])[0]?.secretArn);
    const appSecretArn = String(one(result, "aws:secretsmanager/secret:Secret", "acme-db-app").outputs["arn"]);
    const bootRole = one(result, "aws:iam/role:Role", "acme-boot");
    expect(bootRole.inputs["path"]).toBe("/tenantctl/dev/bootstrap/");
    expect(policyOf(one(result, "aws:iam/rolePolicy:RolePolicy", "acme-boot-secrets"), "policy").Statement).toEqual([
      expect.objectContaining({ Action: ["secretsmanager:GetSecretValue"], Resource: [masterSecretArn] }),
      expect.objectContaining({
        Action: expect.arrayContaining(["secretsmanager:PutSecretValue"]),
        Resource: [appSecretArn],
      }),
    ]);
    const bootDef = one(result, "aws:ecs/taskDefinition:TaskDefinition", "acme-boot-taskdef");
    expect(bootDef.inputs).toMatchObject({
      family: "tenant-dev-acme-bootstrap",
      taskRoleArn: bootRole.outputs["arn"],
      executionRoleArn: sharedOutputs().bootstrapExecutionRoleArn,
    });
    const [container] = JSON.parse(String(bootDef.inputs["containerDefinitions"])) as {
      command: string[];
      environment: { name: string; value: string }[];
    }[];
    expect(container?.command).toEqual(["node", "dist/bootstrap.js"]);
    expect(Object.fromEntries((container?.environment ?? []).map((e) => [e.name, e.value]))).toMatchObject({
      DB_MASTER_SECRET_ARN: masterSecretArn,
      DB_SECRET_ARN: appSecretArn,
      DB_SSL_CA_FILE: "/app/certs/rds-global-bundle.pem",
      DB_APP_USERNAME: "app",
    });
  });

  it("runs the bootstrap through the shared task runner before the service deploys, again for every new bootstrap revision", () => {
    const invocation = one(result, "aws:lambda/invocation:Invocation");
    const bootDef = one(result, "aws:ecs/taskDefinition:TaskDefinition", "acme-boot-taskdef");
    expect(invocation.inputs["functionName"]).toBe(sharedOutputs().taskRunnerFunctionName);
    expect(invocation.inputs["triggers"]).toEqual({ taskDefinition: bootDef.outputs["arn"] });
    expect(JSON.parse(String(invocation.inputs["input"]))).toEqual({
      cluster: sharedOutputs().clusterArn,
      taskDefinition: bootDef.outputs["arn"],
      subnets: sharedOutputs().privateSubnetIds,
      securityGroups: [one(result, "aws:ec2/securityGroup:SecurityGroup", "acme-svc-sg").id],
      containerName: "bootstrap",
      logGroupName: sharedOutputs().logGroupName,
      logStreamPrefix: "tenant-acme",
    });
    // Ordering: the database and the rules that open the path to it come first; the service waits for the bootstrap.
    const urnOf = (type: string, name: string) => one(result, type, name).urn;
    expect(invocation.dependencies).toEqual(
      expect.arrayContaining([
        urnOf("aws:rds/instance:Instance", "acme-db"),
        urnOf("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "acme-db-from-svc"),
        urnOf("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "acme-svc-to-db"),
      ]),
    );
    expect(one(result, "aws:ecs/service:Service").dependencies).toContain(invocation.urn);
  });

  it("runs the service privately behind its target group with circuit-breaker rollback", () => {
    const service = one(result, "aws:ecs/service:Service");
    const tg = one(result, "aws:lb/targetGroup:TargetGroup");
    expect(service.inputs).toMatchObject({
      launchType: "FARGATE",
      desiredCount: 2,
      cluster: sharedOutputs().clusterArn,
      networkConfiguration: { assignPublicIp: false, subnets: sharedOutputs().privateSubnetIds },
      deploymentCircuitBreaker: { enable: true, rollback: true },
      loadBalancers: [{ targetGroupArn: tg.outputs["arn"], containerName: "app", containerPort: 8080 }],
    });
    expect(service.inputs["healthCheckGracePeriodSeconds"]).toBeGreaterThan(0);
  });

  it("routes <slug>.<baseDomain> at the spec's priority on the spec's ALB to an ip target group", () => {
    expect(one(result, "aws:lb/targetGroup:TargetGroup").inputs).toMatchObject({
      targetType: "ip",
      port: 8080,
      protocol: "HTTP",
      healthCheck: { path: "/readyz", matcher: "200", timeout: 5 },
      deregistrationDelay: 30,
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
    expect(db.inputs).toMatchObject({
      deletionProtection: false,
      skipFinalSnapshot: true,
      backupRetentionPeriod: 0,
      instanceClass: "db.t4g.micro",
    });
    expect(db.inputs["finalSnapshotIdentifier"]).toBeUndefined();
    for (const secret of all(result, "aws:secretsmanager/secret:Secret"))
      expect(secret.inputs["recoveryWindowInDays"]).toBe(0);
    expect(one(result, "aws:lb/targetGroup:TargetGroup").inputs["deregistrationDelay"]).toBe(5);
    expect(one(result, "aws:lb/listenerRule:ListenerRule").inputs["conditions"]).toEqual([
      { hostHeader: { values: ["feature-login-1a2b3c.preview.tenants.example.com"] } },
    ]);
    expect(Object.keys(result.outputs)).not.toContain("finalSnapshotIdentifier");
    expect(
      one(result, "aws:ecs/taskDefinition:TaskDefinition", "feature-login-1a2b3c-taskdef").inputs["tags"],
    ).toMatchObject({ "expires-at": "2026-12-01T00:00:00Z" });
    expect(
      one(result, "aws:ecs/taskDefinition:TaskDefinition", "feature-login-1a2b3c-boot-taskdef").inputs["family"],
    ).toBe("preview-dev-feature-login-1a2b3c-bootstrap");
  });

  it("releases protection for teardown but still takes the final snapshot", async () => {
    const result = await synthTenant(tenantSpec(), sharedOutputs(), { releaseProtection: true });
    const db = one(result, "aws:rds/instance:Instance");
    expect(db.protect).toBe(false);
    expect(db.inputs).toMatchObject({
      deletionProtection: false,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: "tenantctl-dev-acme-final-1",
    });
  });

  it("sits on the load balancer the spec names and points DNS at it when a zone is managed", async () => {
    const shared = sharedOutputs({ hostedZoneId: "Z0123456789ABCDEFGHIJ" });
    const result = await synthTenant(tenantSpec({ loadBalancer: "alb-1", tier: "premium" }), shared);
    expect(result.violations).toEqual([]);
    const alb1 = shared.loadBalancers[1];
    expect(one(result, "aws:lb/listenerRule:ListenerRule").inputs["listenerArn"]).toBe(alb1?.httpsListenerArn);
    expect(one(result, "aws:route53/record:Record").inputs).toMatchObject({
      zoneId: "Z0123456789ABCDEFGHIJ",
      name: "acme.tenants.example.com",
      type: "A",
      aliases: [{ name: alb1?.dnsName, zoneId: alb1?.zoneId, evaluateTargetHealth: true }],
    });
    expect(one(result, "aws:rds/instance:Instance").inputs).toMatchObject({
      multiAz: true,
      instanceClass: "db.m7g.large",
    });
    expect(result.outputs["loadBalancer"]).toBe("alb-1");
  });

  it("restores from a snapshot, taking database and user from it", async () => {
    const result = await synthTenant(tenantSpec({ restoreFromSnapshot: "tenantctl-dev-acme-final-1", generation: 2 }));
    expect(result.violations).toEqual([]);
    const db = one(result, "aws:rds/instance:Instance").inputs;
    expect(db).toMatchObject({
      snapshotIdentifier: "tenantctl-dev-acme-final-1",
      finalSnapshotIdentifier: "tenantctl-dev-acme-final-2",
    });
    expect(db["dbName"]).toBeUndefined();
    expect(db["username"]).toBeUndefined();
  });

  it("refuses a spec for another environment before creating anything", async () => {
    // Run outside any Pulumi runtime: a resource registration would throw a different error than the one expected.
    await expect(tenantProgram(tenantSpec({ env: "prod" }), sharedOutputs())()).rejects.toThrow(
      SpecSharedMismatchError,
    );
  });
});
