import { SUPPORTED_AWSX_TYPES } from "./outputs-awsx";
import { checkName, checkTags, Findings } from "./rules-common";
import { checkListener, checkListenerRule, checkLoadBalancer, checkTargetGroup } from "./rules-elb";
import {
  checkEcsCluster,
  checkLogGroup,
  checkSecret,
  checkSecretVersion,
  checkSecurityGroup,
  checkSecurityGroupRule,
} from "./rules-misc";
import { checkService, checkTaskDefinition } from "./rules-ecs";
import { checkManagedPolicy, checkRole, checkRolePolicy } from "./rules-iam";
import { checkLambdaFunction, checkLambdaInvocation } from "./rules-lambda";
import { checkDbSubnetGroup, checkRdsInstance } from "./rules-rds";
import { checkEcrLifecyclePolicy } from "./rules-ecr";
import { asRecord, canonicalType, type Props, type Violation } from "./types";

type Rule = (f: Findings, inputs: Props, physical: string | undefined) => void;

function checkEcrRepository(f: Findings, _inputs: Props, physical: string | undefined): void {
  if (physical === undefined) return;
  checkName(
    f,
    "ecr-name",
    {
      what: "ECR repository name",
      min: 2,
      max: 256,
      code: "InvalidParameterException",
      charset: /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/,
      allowed: "lower-case path segments of [a-z0-9] joined by . _ -",
    },
    physical,
  );
}

const RULES: Readonly<Record<string, Rule>> = {
  "aws:rds/instance:Instance": checkRdsInstance,
  "aws:rds/subnetGroup:SubnetGroup": checkDbSubnetGroup,
  "aws:lb/loadBalancer:LoadBalancer": checkLoadBalancer,
  "aws:lb/targetGroup:TargetGroup": checkTargetGroup,
  "aws:lb/listener:Listener": (f, inputs) => checkListener(f, inputs),
  "aws:lb/listenerRule:ListenerRule": (f, inputs) => checkListenerRule(f, inputs),
  "aws:iam/role:Role": checkRole,
  "aws:iam/rolePolicy:RolePolicy": checkRolePolicy,
  "aws:iam/policy:Policy": checkManagedPolicy,
  "aws:secretsmanager/secret:Secret": checkSecret,
  "aws:secretsmanager/secretVersion:SecretVersion": (f, inputs) => checkSecretVersion(f, inputs),
  "aws:cloudwatch/logGroup:LogGroup": checkLogGroup,
  "aws:ecs/cluster:Cluster": (f, _inputs, physical) => checkEcsCluster(f, physical),
  "aws:ecs/service:Service": checkService,
  "aws:ecs/taskDefinition:TaskDefinition": checkTaskDefinition,
  "aws:ec2/securityGroup:SecurityGroup": checkSecurityGroup,
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": (f, inputs) => checkSecurityGroupRule(f, inputs),
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": (f, inputs) => checkSecurityGroupRule(f, inputs),
  "aws:ec2/securityGroupRule:SecurityGroupRule": (f, inputs) => checkSecurityGroupRule(f, inputs),
  "aws:ecr/repository:Repository": checkEcrRepository,
  "aws:ecr/lifecyclePolicy:LifecyclePolicy": (f, inputs) => checkEcrLifecyclePolicy(f, inputs),
  "aws:lambda/function:Function": checkLambdaFunction,
  "aws:lambda/invocation:Invocation": (f, inputs) => checkLambdaInvocation(f, inputs),
};

export interface CheckOptions {
  /** The provider's default tags: AWS counts them against the per-resource tag limit. */
  readonly defaultTags?: Readonly<Record<string, string>>;
}

/**
 * Every per-resource AWS rule the resource breaks, each with the error code AWS answers with.
 * `physicalName` is the name after auto-naming (see `physicalName`).
 */
export function checkResource(
  type: string,
  logicalName: string,
  inputs: Props,
  physicalName: string | undefined,
  options?: CheckOptions,
): Violation[] {
  const t = canonicalType(type);
  const f = new Findings(type, logicalName);
  if (t.startsWith("awsx:") && !SUPPORTED_AWSX_TYPES.includes(t)) {
    f.fail(
      "sim-unsupported-component",
      "SimulationGap",
      `${t} has no simulated outputs (supported: ${SUPPORTED_AWSX_TYPES.join(", ")}); use plain @pulumi/aws resources or extend infra/sim/outputs-awsx.ts`,
    );
  }
  RULES[t]?.(f, inputs, physicalName);
  if (inputs["tags"] !== undefined || options?.defaultTags !== undefined) {
    if (t.startsWith("aws:")) checkTags(f, { ...(options?.defaultTags ?? {}), ...asRecord(inputs["tags"]) });
  }
  return f.list;
}
