import { canonicalType, nameField } from "../../../../infra/sim/aws-model";

/**
 * Input properties whose change makes the provider replace the resource (Terraform's ForceNew), for the types a
 * tenant or shared stack uses. A change to any other input is an in-place update.
 */
const FORCE_NEW: Record<string, string[]> = {
  "aws:rds/instance:Instance": ["identifier", "identifierPrefix", "engine", "dbName", "storageEncrypted", "kmsKeyId", "availabilityZone", "snapshotIdentifier", "characterSetName", "timezone", "username"],
  "aws:rds/subnetGroup:SubnetGroup": ["name", "namePrefix"],
  "aws:lb/targetGroup:TargetGroup": ["name", "namePrefix", "port", "protocol", "protocolVersion", "vpcId", "targetType", "ipAddressType"],
  "aws:lb/loadBalancer:LoadBalancer": ["name", "namePrefix", "internal", "loadBalancerType"],
  "aws:lb/listener:Listener": ["loadBalancerArn"],
  "aws:lb/listenerRule:ListenerRule": ["listenerArn"],
  "aws:iam/role:Role": ["name", "namePrefix", "path"],
  "aws:iam/rolePolicy:RolePolicy": ["name", "namePrefix", "role"],
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ["role", "policyArn"],
  "aws:secretsmanager/secret:Secret": ["name", "namePrefix"],
  "aws:secretsmanager/secretVersion:SecretVersion": ["secretId", "secretString", "secretBinary"],
  "aws:cloudwatch/logGroup:LogGroup": ["name", "namePrefix"],
  "aws:ecs/cluster:Cluster": ["name"],
  "aws:ecs/service:Service": ["name", "cluster", "launchType", "schedulingStrategy"],
  "aws:ec2/securityGroup:SecurityGroup": ["name", "namePrefix", "description", "vpcId"],
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ["securityGroupId"],
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ["securityGroupId"],
  "aws:ec2/securityGroupRule:SecurityGroupRule": ["securityGroupId", "type", "fromPort", "toPort", "protocol", "cidrBlocks", "sourceSecurityGroupId", "self"],
  "aws:ecr/repository:Repository": ["name"],
};

/** Task definitions are immutable: every change except tags registers a new revision (a replacement). */
const ALL_BUT_TAGS = new Set(["aws:ecs/taskDefinition:TaskDefinition"]);

export function forcesReplacement(type: string, key: string): boolean {
  const t = canonicalType(type);
  if (ALL_BUT_TAGS.has(t)) return key !== "tags" && key !== "tagsAll" && key !== "skipDestroy";
  if (nameField(t) === key) return true;
  return FORCE_NEW[t]?.includes(key) ?? false;
}

/**
 * pulumi-aws 7 write-only attributes (`secretStringWo`, `passwordWo`, …): the provider never diffs them and never
 * returns them as outputs; only their `…WoVersion` companion triggers a write.
 */
export function isWriteOnly(type: string, key: string): boolean {
  return type.startsWith("aws:") && /.Wo$/.test(key);
}
