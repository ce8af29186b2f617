import * as crypto from "node:crypto";
import { canonicalType } from "../../../../infra/sim/aws-model";

/** One AWS API, as the aws-sdk-go-v2 errors the provider wraps name it. */
interface ApiShape {
  service: string;
  label: string;
  noun: string;
}

const APIS: Record<string, ApiShape> = {
  "aws:rds/instance:Instance": { service: "RDS", label: "RDS DB Instance", noun: "DBInstance" },
  "aws:rds/subnetGroup:SubnetGroup": { service: "RDS", label: "RDS DB Subnet Group", noun: "DBSubnetGroup" },
  "aws:lb/targetGroup:TargetGroup": {
    service: "Elastic Load Balancing v2",
    label: "ELBv2 Target Group",
    noun: "TargetGroup",
  },
  "aws:lb/loadBalancer:LoadBalancer": {
    service: "Elastic Load Balancing v2",
    label: "ELBv2 Load Balancer",
    noun: "LoadBalancer",
  },
  "aws:lb/listener:Listener": { service: "Elastic Load Balancing v2", label: "ELBv2 Listener", noun: "Listener" },
  "aws:lb/listenerRule:ListenerRule": {
    service: "Elastic Load Balancing v2",
    label: "ELBv2 Listener Rule",
    noun: "Rule",
  },
  "aws:iam/role:Role": { service: "IAM", label: "IAM Role", noun: "Role" },
  "aws:secretsmanager/secret:Secret": { service: "Secrets Manager", label: "Secrets Manager Secret", noun: "Secret" },
  "aws:ecs/service:Service": { service: "ECS", label: "ECS Service", noun: "Service" },
  "aws:ecs/taskDefinition:TaskDefinition": { service: "ECS", label: "ECS Task Definition", noun: "TaskDefinition" },
  "aws:cloudwatch/logGroup:LogGroup": {
    service: "CloudWatch Logs",
    label: "CloudWatch Logs Log Group",
    noun: "LogGroup",
  },
  "aws:ec2/securityGroup:SecurityGroup": { service: "EC2", label: "Security Group", noun: "SecurityGroup" },
};

function shapeOf(type: string): ApiShape {
  const known = APIS[canonicalType(type)];
  if (known) return known;
  const m = /^[^:]+:([^/]+)\/([^:]+):(.+)$/.exec(type);
  const noun = m?.[3] ?? type;
  return { service: (m?.[1] ?? "AWS").toUpperCase(), label: noun, noun };
}

export type Verb = "creating" | "updating" | "deleting" | "reading";

const API_VERB: Record<Verb, string> = {
  creating: "Create",
  updating: "Modify",
  deleting: "Delete",
  reading: "Describe",
};

/**
 * A failed AWS call, with the message shape pulumi-aws prints:
 * `creating RDS DB Instance (x): operation error RDS: CreateDBInstance, https response error StatusCode: 400,
 * RequestID: …, api error DBInstanceAlreadyExists: …`. `code` stays machine-readable for the engine.
 */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "AwsError";
  }
}

export function awsError(
  type: string,
  verb: Verb,
  physical: string,
  code: string,
  detail: string,
  status = 400,
): AwsError {
  const s = shapeOf(type);
  const op = `${API_VERB[verb]}${s.noun}`;
  return new AwsError(
    code,
    `${verb} ${s.label} (${physical}): operation error ${s.service}: ${op}, https response error StatusCode: ${status}, ` +
      `RequestID: ${crypto.randomUUID()}, api error ${code}: ${detail}`,
  );
}
