import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";

/** Knobs for the fixture program, so tests can make it break one rule at a time. */
export interface FixtureOptions {
  readonly slug: string;
  readonly priority: number;
  readonly dbPassword?: string;
  readonly retentionInDays?: number;
  readonly tgName?: string;
  readonly protect?: boolean;
}

/**
 * A miniature tenant stack built from the same resource types as the real programs: enough to test `synthesize`
 * (auto-names, computed outputs, invokes, awsx components, providers with default tags) independently of them.
 */
export function fixtureProgram(o: FixtureOptions): () => Promise<Record<string, unknown>> {
  return async () => {
    const provider = new aws.Provider(`${o.slug}-aws`, {
      region: "us-east-1",
      defaultTags: { tags: { tenant: o.slug, "managed-by": "tenantctl" } },
    });
    const opts = { provider };
    const identity = await aws.getCallerIdentity({}, opts);
    const vpc = new awsx.ec2.Vpc(`${o.slug}-vpc`, { numberOfAvailabilityZones: 2 }, opts);
    const component = new pulumi.ComponentResource("tenantctl:test:Fixture", `${o.slug}-db`, {}, opts);
    const sg = new aws.ec2.SecurityGroup(
      `${o.slug}-db-sg`,
      { vpcId: vpc.vpcId, description: "db" },
      { ...opts, parent: component },
    );
    const db = new aws.rds.Instance(
      `${o.slug}-db`,
      {
        engine: "postgres",
        instanceClass: "db.t4g.micro",
        allocatedStorage: 20,
        username: "app",
        dbName: "app",
        manageMasterUserPassword: true,
        password: o.dbPassword,
        storageEncrypted: true,
        finalSnapshotIdentifier: `${o.slug}-final`,
        vpcSecurityGroupIds: [sg.id],
      },
      { ...opts, parent: component, protect: o.protect ?? true },
    );
    const secret = new aws.secretsmanager.Secret(`${o.slug}-app`, { recoveryWindowInDays: 7 }, opts);
    const logs = new aws.cloudwatch.LogGroup(`${o.slug}-logs`, { retentionInDays: o.retentionInDays ?? 30 }, opts);
    const tg = new aws.lb.TargetGroup(
      `${o.slug}-tg`,
      { name: o.tgName, port: 8080, protocol: "HTTP", targetType: "ip", vpcId: vpc.vpcId },
      opts,
    );
    const rule = new aws.lb.ListenerRule(
      `${o.slug}-rule`,
      {
        listenerArn:
          "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shared/0123456789abcdef/fedcba9876543210",
        priority: o.priority,
        conditions: [{ hostHeader: { values: [`${o.slug}.example.com`] } }],
        actions: [{ type: "forward", targetGroupArn: tg.arn }],
      },
      opts,
    );
    const doc = await aws.iam.getPolicyDocument(
      {
        statements: [
          {
            actions: ["sts:AssumeRole"],
            principals: [{ type: "Service", identifiers: ["ecs-tasks.amazonaws.com"] }],
            conditions: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [identity.accountId] }],
          },
        ],
      },
      opts,
    );
    const role = new aws.iam.Role(`${o.slug}-task`, { assumeRolePolicy: doc.json }, opts);
    return {
      endpoint: db.endpoint,
      secretArn: db.masterUserSecrets[0]?.secretArn,
      appSecretArn: secret.arn,
      logGroupArn: logs.arn,
      tgArn: tg.arn,
      tgSuffix: tg.arnSuffix,
      ruleArn: rule.arn,
      roleArn: role.arn,
      roleName: role.name,
      privateSubnetIds: vpc.privateSubnetIds,
    };
  };
}
