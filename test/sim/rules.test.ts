import { checkResource, LOG_RETENTION_DAYS } from "../../infra/sim/aws-model";

type Case = readonly [rule: string, code: string, type: string, inputs: Record<string, unknown>, physical?: string];

const POSTGRES = { engine: "postgres", manageMasterUserPassword: true, skipFinalSnapshot: true };
const ROLE = {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "sts:AssumeRole" }],
  }),
};
const container = (c: Record<string, unknown>): string => JSON.stringify([{ name: "app", image: "nginx:1", ...c }]);
const FARGATE = { requiresCompatibilities: ["FARGATE"], networkMode: "awsvpc", cpu: "256", memory: "512" };

/** One bad value per rule: each must produce exactly that rule with AWS's error code. */
const CASES: readonly Case[] = [
  ["rds-identifier-length", "InvalidParameterValue", "aws:rds/instance:Instance", POSTGRES, `a${"b".repeat(63)}`],
  ["rds-identifier-first-char", "InvalidParameterValue", "aws:rds/instance:Instance", POSTGRES, "1db"],
  ["rds-identifier-double-hyphen", "InvalidParameterValue", "aws:rds/instance:Instance", POSTGRES, "a--db"],
  ["rds-identifier-edge-hyphen", "InvalidParameterValue", "aws:rds/instance:Instance", POSTGRES, "db-"],
  ["rds-db-name-charset", "InvalidParameterValue", "aws:rds/instance:Instance", { ...POSTGRES, dbName: "my-app" }],
  ["rds-db-name-reserved", "InvalidParameterValue", "aws:rds/instance:Instance", { ...POSTGRES, dbName: "select" }],
  [
    "rds-username-length",
    "InvalidParameterValue",
    "aws:rds/instance:Instance",
    { ...POSTGRES, username: "u".repeat(17) },
  ],
  ["rds-username-reserved", "InvalidParameterValue", "aws:rds/instance:Instance", { ...POSTGRES, username: "admin" }],
  ["rds-username-reserved", "InvalidParameterValue", "aws:rds/instance:Instance", { ...POSTGRES, username: "pg_app" }],
  [
    "rds-password-with-managed",
    "InvalidParameterCombination",
    "aws:rds/instance:Instance",
    { ...POSTGRES, password: "hunter2hunter2" },
  ],
  [
    "rds-password-missing",
    "InvalidParameterValue",
    "aws:rds/instance:Instance",
    { engine: "postgres", skipFinalSnapshot: true },
  ],
  [
    "rds-final-snapshot-missing",
    "InvalidParameterCombination",
    "aws:rds/instance:Instance",
    { engine: "postgres", manageMasterUserPassword: true },
  ],
  [
    "rds-final-snapshot-double-hyphen",
    "InvalidParameterValue",
    "aws:rds/instance:Instance",
    { engine: "postgres", manageMasterUserPassword: true, finalSnapshotIdentifier: "a--final" },
  ],
  [
    "rds-backup-retention",
    "InvalidParameterValue",
    "aws:rds/instance:Instance",
    { ...POSTGRES, backupRetentionPeriod: 36 },
  ],
  [
    "rds-allocated-storage",
    "InvalidParameterValue",
    "aws:rds/instance:Instance",
    { ...POSTGRES, allocatedStorage: 10 },
  ],
  [
    "rds-instance-class",
    "InvalidParameterValue",
    "aws:rds/instance:Instance",
    { ...POSTGRES, instanceClass: "t4g.micro" },
  ],
  [
    "db-subnet-group-azs",
    "DBSubnetGroupDoesNotCoverEnoughAZs",
    "aws:rds/subnetGroup:SubnetGroup",
    { subnetIds: ["subnet-1"] },
    "db",
  ],
  [
    "db-subnet-group-name-charset",
    "InvalidParameterValue",
    "aws:rds/subnetGroup:SubnetGroup",
    { subnetIds: ["a", "b"] },
    "DB",
  ],
  [
    "tg-name-length",
    "ValidationError",
    "aws:lb/targetGroup:TargetGroup",
    { port: 80, protocol: "HTTP" },
    "t".repeat(33),
  ],
  ["tg-name-edge-hyphen", "ValidationError", "aws:lb/targetGroup:TargetGroup", { port: 80, protocol: "HTTP" }, "-tg"],
  ["tg-name-charset", "ValidationError", "aws:lb/targetGroup:TargetGroup", { port: 80, protocol: "HTTP" }, "tg_1"],
  ["tg-port", "ValidationError", "aws:lb/targetGroup:TargetGroup", { port: 70000, protocol: "HTTP" }, "tg"],
  [
    "tg-deregistration-delay",
    "ValidationError",
    "aws:lb/targetGroup:TargetGroup",
    { port: 80, protocol: "HTTP", deregistrationDelay: 3601 },
    "tg",
  ],
  ["lb-name-internal", "ValidationError", "aws:lb/loadBalancer:LoadBalancer", { subnets: ["a", "b"] }, "internal-lb"],
  ["lb-subnets", "ValidationError", "aws:lb/loadBalancer:LoadBalancer", { subnets: ["a"] }, "lb"],
  [
    "listener-certificate",
    "CertificateNotFound",
    "aws:lb/listener:Listener",
    { port: 443, protocol: "HTTPS", defaultActions: [{}] },
  ],
  [
    "listener-rule-priority",
    "ValidationError",
    "aws:lb/listenerRule:ListenerRule",
    { priority: 50001, conditions: [{ pathPattern: { values: ["/"] } }], actions: [{}] },
  ],
  [
    "listener-rule-priority",
    "ValidationError",
    "aws:lb/listenerRule:ListenerRule",
    { priority: 0, conditions: [{ pathPattern: { values: ["/"] } }], actions: [{}] },
  ],
  [
    "listener-rule-host-length",
    "ValidationError",
    "aws:lb/listenerRule:ListenerRule",
    {
      priority: 1,
      conditions: [{ hostHeader: { values: [`${"a".repeat(60)}.${"b".repeat(60)}.example.com`] } }],
      actions: [{}],
    },
  ],
  [
    "listener-rule-host-header-count",
    "ValidationError",
    "aws:lb/listenerRule:ListenerRule",
    {
      priority: 1,
      conditions: [{ hostHeader: { values: ["a.x"] } }, { hostHeader: { values: ["b.x"] } }],
      actions: [{}],
    },
  ],
  [
    "listener-rule-condition-values",
    "TooManyConditionValues",
    "aws:lb/listenerRule:ListenerRule",
    { priority: 1, conditions: [{ hostHeader: { values: ["a", "b", "c", "d", "e", "f"] } }], actions: [{}] },
  ],
  [
    "listener-rule-host-charset",
    "ValidationError",
    "aws:lb/listenerRule:ListenerRule",
    { priority: 1, conditions: [{ hostHeader: { values: ["ä.example.com"] } }], actions: [{}] },
  ],
  ["iam-role-name-length", "ValidationError", "aws:iam/role:Role", ROLE, "r".repeat(65)],
  ["iam-role-name-charset", "ValidationError", "aws:iam/role:Role", ROLE, "role name"],
  ["assumeRolePolicy-json", "MalformedPolicyDocument", "aws:iam/role:Role", { assumeRolePolicy: "{not json" }, "r"],
  [
    "assumeRolePolicy-effect",
    "MalformedPolicyDocument",
    "aws:iam/role:Role",
    { assumeRolePolicy: '{"Statement":[{"Effect":"allow"}]}' },
    "r",
  ],
  [
    "policy-size",
    "LimitExceeded",
    "aws:iam/rolePolicy:RolePolicy",
    { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Resource: "x".repeat(10300) }] }) },
    "p",
  ],
  ["secret-name-charset", "ValidationException", "aws:secretsmanager/secret:Secret", {}, "acme token"],
  ["secret-name-suffix", "ValidationException", "aws:secretsmanager/secret:Secret", {}, "acme-abc123"],
  ["secret-name-reserved", "ValidationException", "aws:secretsmanager/secret:Secret", {}, "aws/acme"],
  [
    "secret-recovery-window",
    "InvalidParameterException",
    "aws:secretsmanager/secret:Secret",
    { recoveryWindowInDays: 3 },
    "s",
  ],
  [
    "secret-recovery-window",
    "InvalidParameterException",
    "aws:secretsmanager/secret:Secret",
    { recoveryWindowInDays: 31 },
    "s",
  ],
  ["log-group-name-charset", "InvalidParameterException", "aws:cloudwatch/logGroup:LogGroup", {}, "/tenant ctl"],
  ["log-group-name-reserved", "InvalidParameterException", "aws:cloudwatch/logGroup:LogGroup", {}, "aws/x"],
  [
    "log-group-retention",
    "InvalidParameterException",
    "aws:cloudwatch/logGroup:LogGroup",
    { retentionInDays: 2 },
    "/g",
  ],
  ["ecs-cluster-name-charset", "ClientException", "aws:ecs/cluster:Cluster", {}, "my.cluster"],
  ["ecs-service-name-length", "ClientException", "aws:ecs/service:Service", {}, "s".repeat(256)],
  ["ecs-service-network", "InvalidParameterException", "aws:ecs/service:Service", { launchType: "FARGATE" }, "s"],
  [
    "ecs-grace-without-lb",
    "InvalidParameterException",
    "aws:ecs/service:Service",
    { healthCheckGracePeriodSeconds: 60 },
    "s",
  ],
  [
    "ecs-family-charset",
    "ClientException",
    "aws:ecs/taskDefinition:TaskDefinition",
    { ...FARGATE, containerDefinitions: container({}) },
    "fam:ily",
  ],
  [
    "ecs-fargate-size",
    "ClientException",
    "aws:ecs/taskDefinition:TaskDefinition",
    { ...FARGATE, memory: "4096", containerDefinitions: container({}) },
    "f",
  ],
  [
    "ecs-fargate-network-mode",
    "ClientException",
    "aws:ecs/taskDefinition:TaskDefinition",
    { ...FARGATE, networkMode: "bridge", containerDefinitions: container({}) },
    "f",
  ],
  [
    "ecs-stop-timeout",
    "ClientException",
    "aws:ecs/taskDefinition:TaskDefinition",
    { ...FARGATE, containerDefinitions: container({ stopTimeout: 121 }) },
    "f",
  ],
  [
    "ecs-container-name-charset",
    "ClientException",
    "aws:ecs/taskDefinition:TaskDefinition",
    { ...FARGATE, containerDefinitions: JSON.stringify([{ name: "my app", image: "x" }]) },
    "f",
  ],
  [
    "ecs-secret-value-from",
    "ClientException",
    "aws:ecs/taskDefinition:TaskDefinition",
    { ...FARGATE, containerDefinitions: container({ secrets: [{ name: "DB", valueFrom: "hunter2 hunter2" }] }) },
    "f",
  ],
  [
    "ecs-awslogs-stream-prefix",
    "ClientException",
    "aws:ecs/taskDefinition:TaskDefinition",
    {
      ...FARGATE,
      containerDefinitions: container({
        logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "g", "awslogs-region": "us-east-1" } },
      }),
    },
    "f",
  ],
  ["sg-name-prefix", "InvalidParameterValue", "aws:ec2/securityGroup:SecurityGroup", {}, "sg-db"],
  [
    "sg-description-length",
    "InvalidParameterValue",
    "aws:ec2/securityGroup:SecurityGroup",
    { description: "d".repeat(256) },
    "db",
  ],
  [
    "sg-description-charset",
    "InvalidParameterValue",
    "aws:ec2/securityGroup:SecurityGroup",
    { description: "Datenbank für ACME" },
    "db",
  ],
  [
    "sg-rule-ports",
    "InvalidParameterValue",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    { ipProtocol: "tcp", fromPort: 9, toPort: 1, cidrIpv4: "10.0.0.0/8" },
  ],
  [
    "sg-rule-peer",
    "MissingParameter",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    { ipProtocol: "tcp", fromPort: 1, toPort: 1 },
  ],
  ["ecr-name-charset", "InvalidParameterException", "aws:ecr/repository:Repository", {}, "App"],
  [
    "tags-count",
    "InvalidParameterValue",
    "aws:ec2/securityGroup:SecurityGroup",
    { tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"])) },
    "db",
  ],
  [
    "tag-key-length",
    "InvalidParameterValue",
    "aws:ec2/securityGroup:SecurityGroup",
    { tags: { ["k".repeat(129)]: "v" } },
    "db",
  ],
  [
    "tag-value-length",
    "InvalidParameterValue",
    "aws:ec2/securityGroup:SecurityGroup",
    { tags: { k: "v".repeat(257) } },
    "db",
  ],
  [
    "tag-key-reserved",
    "InvalidParameterValue",
    "aws:ec2/securityGroup:SecurityGroup",
    { tags: { "aws:cloudformation:stack": "x" } },
    "db",
  ],
  [
    "tag-charset",
    "InvalidParameterValue",
    "aws:ec2/securityGroup:SecurityGroup",
    { tags: { tenant: `O'Brien "Co"` } },
    "db",
  ],
  [
    "iam-role-description",
    "ValidationError",
    "aws:iam/role:Role",
    { ...ROLE, description: "role of 🚀 Rocket Labs" },
    "r",
  ],
  [
    "secret-description-length",
    "ValidationException",
    "aws:secretsmanager/secret:Secret",
    { description: "d".repeat(2049) },
    "s",
  ],
  ["sim-unsupported-component", "SimulationGap", "awsx:ecs:FargateService", {}],
];

describe("checkResource: each rule fires on a bad value with AWS's error code", () => {
  // Objects, not tuples: jest passes a `done` callback in place of a missing trailing tuple element.
  const rows = CASES.map(([rule, code, type, inputs, physical]) => ({ rule, code, type, inputs, physical }));
  test.each(rows)("$rule ($code)", ({ rule, code, type, inputs, physical }) => {
    const violations = checkResource(type, "logical", inputs, physical);
    const hit = violations.find((v) => v.rule === rule);
    expect(hit).toMatchObject({ type, name: "logical", rule, code });
    expect(hit?.message.length).toBeGreaterThan(10);
  });

  test("provider default tags count against the 50-tag limit", () => {
    const defaultTags = Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`d${i}`, "v"]));
    const rules = (tags: Record<string, string>): string[] =>
      checkResource("aws:ec2/securityGroup:SecurityGroup", "sg", { tags }, "db", { defaultTags }).map((v) => v.rule);
    expect(rules({ a: "1", b: "2" })).not.toContain("tags-count");
    expect(rules({ a: "1", b: "2", c: "3" })).toContain("tags-count");
  });

  test("every allowed log retention passes, and 0 (never expire) too", () => {
    for (const days of [0, ...LOG_RETENTION_DAYS]) {
      expect(checkResource("aws:cloudwatch/logGroup:LogGroup", "g", { retentionInDays: days }, "/g")).toEqual([]);
    }
  });

  test("a well-formed tenant database passes", () => {
    const db = {
      engine: "postgres",
      instanceClass: "db.t4g.micro",
      allocatedStorage: 20,
      dbName: "app",
      username: "app_owner",
      manageMasterUserPassword: true,
      finalSnapshotIdentifier: "tenantctl-dev-acme-final-1",
      backupRetentionPeriod: 7,
      multiAz: true,
    };
    expect(checkResource("aws:rds/instance:Instance", "acme-db", db, "acme-db0a1b2c3")).toEqual([]);
  });
});
