import fc from "fast-check";
import {
  checkAccount,
  checkAccountQuotas,
  checkAccountUniqueness,
  policyDocumentJson,
  simulateInvoke,
  simulateOutputs,
  UnsupportedInvokeError,
  type AccountResource,
  type SimContext,
} from "../../infra/sim/aws-model";

const CTX: SimContext = {
  region: "us-east-1",
  accountId: "123456789012",
  project: "tenantctl-tenants",
  stack: "dev-acme",
};
const out = (type: string, name: string, inputs: Record<string, unknown> = {}) =>
  simulateOutputs(type, name, inputs, CTX);

describe("simulateOutputs: AWS-shaped computed outputs", () => {
  test("RDS: endpoint, address, port, resource id and the managed master secret", () => {
    const { id, outputs } = out("aws:rds/instance:Instance", "acme-db", {
      engine: "postgres",
      manageMasterUserPassword: true,
      storageEncrypted: true,
    });
    expect(id).toMatch(/^db-[0-9A-F]{26}$/);
    expect(outputs["identifier"]).toMatch(/^acme-db[0-9a-f]{7}$/);
    expect(outputs["arn"]).toBe(`arn:aws:rds:us-east-1:123456789012:db:${String(outputs["identifier"])}`);
    expect(outputs["endpoint"]).toBe(`${String(outputs["address"])}:5432`);
    expect(outputs["masterUserSecrets"]).toEqual([
      {
        secretArn: expect.stringMatching(
          /^arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}-[A-Za-z0-9]{6}$/,
        ),
        kmsKeyId: expect.stringMatching(/^arn:aws:kms:us-east-1:123456789012:key\//),
        secretStatus: "active",
      },
    ]);
    expect(
      out("aws:rds/instance:Instance", "acme-db", { engine: "postgres", password: "x" }).outputs["masterUserSecrets"],
    ).toEqual([]);
  });

  test("ALB, listener, target group, security group, role, log group, ECR, ECS, secret", () => {
    const lb = out("aws:lb/loadBalancer:LoadBalancer", "alb").outputs;
    expect(lb["dnsName"]).toMatch(/^alb-[0-9a-f]{7}-\d+\.us-east-1\.elb\.amazonaws\.com$/);
    expect(lb["zoneId"]).toBe("Z35SXDOTRQ7X7K");
    const listener = out("aws:lb/listener:Listener", "https", { loadBalancerArn: lb["arn"] }).outputs;
    expect(listener["arn"]).toMatch(
      new RegExp(`^${String(lb["arn"]).replace(":loadbalancer/", ":listener/")}/[0-9a-f]{16}$`),
    );
    const tg = out("aws:lb/targetGroup:TargetGroup", "acme-tg").outputs;
    expect(tg["arnSuffix"]).toMatch(/^targetgroup\/acme-tg-[0-9a-f]{7}\/[0-9a-f]{16}$/);
    expect(out("aws:ec2/securityGroup:SecurityGroup", "sg").id).toMatch(/^sg-[0-9a-f]{17}$/);
    const role = out("aws:iam/role:Role", "acme-task", { path: "/tenants/" }).outputs;
    expect(role["arn"]).toBe(`arn:aws:iam::123456789012:role/tenants/${String(role["name"])}`);
    expect(role["uniqueId"]).toMatch(/^AROA[A-Z0-9]{17}$/);
    expect(out("aws:cloudwatch/logGroup:LogGroup", "g", { name: "/tenantctl/dev" }).outputs["arn"]).toBe(
      "arn:aws:logs:us-east-1:123456789012:log-group:/tenantctl/dev",
    );
    expect(out("aws:ecr/repository:Repository", "App").outputs["repositoryUrl"]).toMatch(
      /^123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/app-[0-9a-f]{7}$/,
    );
    const svc = out("aws:ecs/service:Service", "svc", {
      cluster: "arn:aws:ecs:us-east-1:123456789012:cluster/c",
    }).outputs;
    expect(svc["arn"]).toMatch(/^arn:aws:ecs:us-east-1:123456789012:service\/c\/svc-[0-9a-f]{7}$/);
    const td = out("aws:ecs/taskDefinition:TaskDefinition", "td", { family: "tenant-dev-acme" }).outputs;
    expect([td["arn"], td["revision"]]).toEqual([
      "arn:aws:ecs:us-east-1:123456789012:task-definition/tenant-dev-acme:1",
      1,
    ]);
    expect(out("aws:secretsmanager/secret:Secret", "s", { name: "dev/acme" }).outputs["arn"]).toMatch(
      /:secret:dev\/acme-[A-Za-z0-9]{6}$/,
    );
  });

  test("write-only inputs are never echoed; inputs otherwise are", () => {
    const { outputs } = out("aws:secretsmanager/secretVersion:SecretVersion", "v", {
      secretId: "arn:x",
      secretStringWo: "token",
      secretStringWoVersion: 1,
    });
    expect(outputs).not.toHaveProperty("secretStringWo");
    expect(outputs["secretId"]).toBe("arn:x");
  });

  test("deterministic: the same inputs always give the same outputs", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          "aws:rds/instance:Instance",
          "aws:lb/targetGroup:TargetGroup",
          "aws:iam/role:Role",
          "aws:ec2/securityGroup:SecurityGroup",
        ),
        fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
        (type, name) => {
          expect(out(type, name)).toEqual(out(type, name));
        },
      ),
    );
  });

  test("awsx Vpc follows its subnet specs and AZ count; awsx Image yields a digest URI", () => {
    const vpc = out("awsx:ec2:Vpc", "vpc", {
      numberOfAvailabilityZones: 3,
      subnetSpecs: [{ type: "Public" }, { type: "Private" }, { type: "Isolated" }],
    }).outputs;
    expect([
      (vpc["publicSubnetIds"] as unknown[]).length,
      (vpc["privateSubnetIds"] as unknown[]).length,
      (vpc["isolatedSubnetIds"] as unknown[]).length,
    ]).toEqual([3, 3, 3]);
    expect(out("awsx:ecr:Image", "img", { repositoryUrl: "r/app" }).outputs["imageUri"]).toMatch(
      /^r\/app@sha256:[0-9a-f]{64}$/,
    );
  });
});

describe("simulateInvoke", () => {
  test("caller identity, region, partition, AZs", () => {
    expect(simulateInvoke("aws:index/getCallerIdentity:getCallerIdentity", {}, CTX)["accountId"]).toBe("123456789012");
    expect(simulateInvoke("aws:index/getRegion:getRegion", {}, CTX)["region"]).toBe("us-east-1");
    expect(simulateInvoke("aws:index/getPartition:getPartition", {}, CTX)["partition"]).toBe("aws");
    expect(simulateInvoke("aws:index/getAvailabilityZones:getAvailabilityZones", {}, CTX)["names"]).toContain(
      "us-east-1a",
    );
  });

  test("getPolicyDocument renders statements like the provider (single values unwrapped, conditions grouped)", () => {
    const json = policyDocumentJson({
      statements: [
        {
          sid: "S",
          actions: ["a:B"],
          resources: ["r1", "r2"],
          conditions: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: ["1"] },
            { test: "StringEquals", variable: "x", values: ["2"] },
          ],
        },
      ],
    });
    expect(JSON.parse(json)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "S",
          Effect: "Allow",
          Action: "a:B",
          Resource: ["r1", "r2"],
          Condition: { StringEquals: { "aws:SourceAccount": "1", x: "2" } },
        },
      ],
    });
  });

  test("an unknown invoke is an error naming the token, never an empty answer", () => {
    expect(() => simulateInvoke("aws:ec2/getAmi:getAmi", {}, CTX)).toThrow(UnsupportedInvokeError);
    expect(() => simulateInvoke("aws:ec2/getAmi:getAmi", {}, CTX)).toThrow(/aws:ec2\/getAmi:getAmi/);
  });
});

describe("account-level checks", () => {
  const res = (
    stack: string,
    type: string,
    name: string,
    physicalName: string | undefined,
    inputs: Record<string, unknown> = {},
  ): AccountResource => ({ stack, type, name, physicalName, inputs, outputs: {} });

  test("names unique per account (IAM roles case-insensitively), priorities unique per listener", () => {
    const v = checkAccountUniqueness([
      res("dev-a", "aws:iam/role:Role", "a-task", "Acme-Task"),
      res("dev-b", "aws:iam/role:Role", "b-task", "acme-task"),
      res("dev-a", "aws:lb/targetGroup:TargetGroup", "a-tg", "t-1"),
      res("dev-b", "aws:alb/targetGroup:TargetGroup", "b-tg", "t-1"),
      res("dev-a", "aws:secretsmanager/secret:Secret", "s", "x"),
      res("dev-b", "aws:secretsmanager/secret:Secret", "s", "X"),
      res("dev-a", "aws:lb/listenerRule:ListenerRule", "r", undefined, { listenerArn: "L1", priority: 5 }),
      res("dev-b", "aws:lb/listenerRule:ListenerRule", "r", undefined, { listenerArn: "L1", priority: 5 }),
      res("dev-c", "aws:lb/listenerRule:ListenerRule", "r", undefined, { listenerArn: "L2", priority: 5 }),
      res("dev-a", "aws:rds/instance:Instance", "db", "acme-db1", { finalSnapshotIdentifier: "f" }),
      res("dev-b", "aws:rds/instance:Instance", "db", "ACME-DB1", { finalSnapshotIdentifier: "g" }),
    ]);
    expect(v.map((x) => x.code).sort()).toEqual([
      "DBInstanceAlreadyExists",
      "DuplicateTargetGroupName",
      "EntityAlreadyExists",
      "PriorityInUse",
    ]);
    expect(v.find((x) => x.code === "PriorityInUse")?.message).toMatch(/dev-b\/r .* dev-a\/r/);
  });

  test("quotas: 41 RDS instances and 101 rules on one listener are over the defaults", () => {
    const dbs = Array.from({ length: 41 }, (_, i) => res(`s${i}`, "aws:rds/instance:Instance", "db", `db${i}`));
    const rules = Array.from({ length: 101 }, (_, i) =>
      res(`s${i}`, "aws:lb/listenerRule:ListenerRule", "r", undefined, { listenerArn: "L", priority: i + 1 }),
    );
    expect(checkAccountQuotas([...dbs, ...rules]).map((v) => v.code)).toEqual([
      "InstanceQuotaExceeded",
      "TooManyRules",
    ]);
    expect(
      checkAccountQuotas(dbs, { rdsInstances: 100, iamRoles: 1000, securityGroups: 2500, rulesPerListener: 100 }),
    ).toEqual([]);
    expect(checkAccount(dbs.slice(0, 40))).toEqual([]);
  });
});
