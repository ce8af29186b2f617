import { asArray, asNumber, asRecord, asString, canonicalType, type AccountResource, type Violation } from "./types";

/** A name AWS keeps unique per account and region; `scope` narrows it (per VPC, per cluster). */
interface UniqueName {
  readonly type: string;
  readonly what: string;
  readonly code: string;
  readonly caseInsensitive: boolean;
  readonly key: (r: AccountResource) => string | undefined;
}

const byPhysical = (r: AccountResource): string | undefined => r.physicalName;

const UNIQUE_NAMES: readonly UniqueName[] = [
  {
    type: "aws:rds/instance:Instance",
    what: "DB instance identifier",
    code: "DBInstanceAlreadyExists",
    caseInsensitive: true,
    key: byPhysical,
  },
  {
    type: "aws:rds/instance:Instance",
    what: "final DB snapshot identifier",
    code: "DBSnapshotAlreadyExists",
    caseInsensitive: true,
    key: (r) => asString(r.inputs["finalSnapshotIdentifier"]),
  },
  {
    type: "aws:rds/subnetGroup:SubnetGroup",
    what: "DB subnet group name",
    code: "DBSubnetGroupAlreadyExists",
    caseInsensitive: true,
    key: byPhysical,
  },
  {
    type: "aws:lb/targetGroup:TargetGroup",
    what: "target group name",
    code: "DuplicateTargetGroupName",
    caseInsensitive: true,
    key: byPhysical,
  },
  {
    type: "aws:lb/loadBalancer:LoadBalancer",
    what: "load balancer name",
    code: "DuplicateLoadBalancerName",
    caseInsensitive: true,
    key: byPhysical,
  },
  {
    type: "aws:iam/role:Role",
    what: "IAM role name",
    code: "EntityAlreadyExists",
    caseInsensitive: true,
    key: byPhysical,
  },
  {
    type: "aws:iam/policy:Policy",
    what: "IAM policy name",
    code: "EntityAlreadyExists",
    caseInsensitive: true,
    key: byPhysical,
  },
  {
    type: "aws:secretsmanager/secret:Secret",
    what: "secret name",
    code: "ResourceExistsException",
    caseInsensitive: false,
    key: byPhysical,
  },
  {
    type: "aws:cloudwatch/logGroup:LogGroup",
    what: "log group name",
    code: "ResourceAlreadyExistsException",
    caseInsensitive: false,
    key: byPhysical,
  },
  {
    type: "aws:ecr/repository:Repository",
    what: "ECR repository name",
    code: "RepositoryAlreadyExistsException",
    caseInsensitive: false,
    key: byPhysical,
  },
  {
    type: "aws:ec2/securityGroup:SecurityGroup",
    what: "security group name (per VPC)",
    code: "InvalidGroup.Duplicate",
    caseInsensitive: true,
    key: (r) =>
      r.physicalName === undefined ? undefined : `${asString(r.inputs["vpcId"]) ?? "default-vpc"}/${r.physicalName}`,
  },
  {
    type: "aws:ecs/service:Service",
    what: "ECS service name (per cluster)",
    code: "InvalidParameterException",
    caseInsensitive: false,
    key: (r) =>
      r.physicalName === undefined ? undefined : `${asString(r.inputs["cluster"]) ?? "default"}/${r.physicalName}`,
  },
  {
    type: "aws:lb/listenerRule:ListenerRule",
    what: "listener rule priority (per listener)",
    code: "PriorityInUse",
    caseInsensitive: false,
    key: (r) =>
      asNumber(r.inputs["priority"]) === undefined
        ? undefined
        : `${asString(r.inputs["listenerArn"]) ?? "?"} priority ${String(r.inputs["priority"])}`,
  },
];

/** Names (and listener priorities) that two resources in the same account and region would both claim. */
export function checkAccountUniqueness(resources: readonly AccountResource[]): Violation[] {
  const violations: Violation[] = [];
  for (const rule of UNIQUE_NAMES) {
    const seen = new Map<string, AccountResource>();
    for (const r of resources) {
      if (canonicalType(r.type) !== rule.type) continue;
      const raw = rule.key(r);
      if (raw === undefined) continue;
      const key = rule.caseInsensitive ? raw.toLowerCase() : raw;
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, r);
        continue;
      }
      violations.push({
        type: r.type,
        name: r.name,
        rule: "account-unique",
        code: rule.code,
        message: `${rule.what} "${raw}" of ${r.stack}/${r.name} is already taken by ${first.stack}/${first.name}`,
      });
    }
  }
  return violations;
}

/** Default quotas per account and region (AWS Service Quotas defaults); the stand-in may pass raised ones. */
export const DEFAULT_QUOTAS = {
  rdsInstances: 40,
  iamRoles: 1000,
  securityGroups: 2500,
  rulesPerListener: 100,
} as const;

export type Quotas = { readonly [K in keyof typeof DEFAULT_QUOTAS]: number };

/** Quota overruns across all resources of an account: one violation per exceeded quota. */
export function checkAccountQuotas(
  resources: readonly AccountResource[],
  quotas: Quotas = DEFAULT_QUOTAS,
): Violation[] {
  const count = (type: string): AccountResource[] => resources.filter((r) => canonicalType(r.type) === type);
  const violations: Violation[] = [];
  const over = (list: AccountResource[], limit: number, code: string, what: string): void => {
    const last = list[list.length - 1];
    if (list.length > limit && last !== undefined) {
      violations.push({
        type: last.type,
        name: last.name,
        rule: "account-quota",
        code,
        message: `${list.length} ${what} (quota: ${limit})`,
      });
    }
  };
  over(count("aws:rds/instance:Instance"), quotas.rdsInstances, "InstanceQuotaExceeded", "RDS DB instances");
  over(count("aws:iam/role:Role"), quotas.iamRoles, "LimitExceeded", "IAM roles");
  over(
    count("aws:ec2/securityGroup:SecurityGroup"),
    quotas.securityGroups,
    "SecurityGroupLimitExceeded",
    "security groups",
  );
  const byListener = new Map<string, AccountResource[]>();
  for (const r of count("aws:lb/listenerRule:ListenerRule")) {
    const listener = asString(r.inputs["listenerArn"]) ?? "?";
    byListener.set(listener, [...(byListener.get(listener) ?? []), r]);
  }
  for (const rules of byListener.values())
    over(rules, quotas.rulesPerListener, "TooManyRules", "rules on one listener");
  return violations;
}

/** Both account-level checks together, as `synthesize` and the stand-in run them. */
export function checkAccount(resources: readonly AccountResource[], quotas?: Quotas): Violation[] {
  return [...checkAccountUniqueness(resources), ...checkAccountQuotas(resources, quotas)];
}

/** Effective tags the provider sends: its default tags under the resource's own. */
export function effectiveTags(
  inputs: Readonly<Record<string, unknown>>,
  defaultTags?: Readonly<Record<string, string>>,
): Record<string, unknown> {
  return { ...(defaultTags ?? {}), ...asRecord(inputs["tags"]) };
}

/** Listener rules' forward targets, which the stand-in needs to count target groups per load balancer. */
export function forwardTargetGroupArns(inputs: Readonly<Record<string, unknown>>): string[] {
  return asArray(inputs["actions"])
    .map(asRecord)
    .flatMap((a) => [
      asString(a["targetGroupArn"]),
      ...asArray(asRecord(a["forward"])["targetGroups"]).map((tg) => asString(asRecord(tg)["arn"])),
    ])
    .filter((arn): arn is string => arn !== undefined);
}
