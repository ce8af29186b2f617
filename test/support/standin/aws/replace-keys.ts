import { canonicalType, nameField } from "../../../../infra/sim/aws-model";

/**
 * Input properties whose change makes the provider replace the resource (Terraform's ForceNew), for the types a
 * tenant or shared stack uses. A change to any other input is an in-place update. From terraform-provider-aws's
 * resource schemas (https://github.com/hashicorp/terraform-provider-aws, internal/service/<service>/<resource>.go),
 * which @pulumi/aws bridges as they are.
 */
const FORCE_NEW: Record<string, string[]> = {
  // `identifier`/`identifierPrefix` are not ForceNew since provider v5: a change renames the instance in place
  // (ModifyDBInstance NewDBInstanceIdentifier; https://github.com/hashicorp/terraform-provider-aws/pull/31232).
  "aws:rds/instance:Instance": [
    "engine",
    "dbName",
    "storageEncrypted",
    "kmsKeyId",
    "availabilityZone",
    "snapshotIdentifier",
    "characterSetName",
    "ncharCharacterSetName",
    "timezone",
    "username",
    "customIamInstanceProfile",
    "restoreToPointInTime",
    "backupTarget",
  ],
  "aws:rds/subnetGroup:SubnetGroup": ["name", "namePrefix"],
  "aws:lb/targetGroup:TargetGroup": [
    "name",
    "namePrefix",
    "port",
    "protocol",
    "protocolVersion",
    "vpcId",
    "targetType",
    "ipAddressType",
  ],
  "aws:lb/loadBalancer:LoadBalancer": ["name", "namePrefix", "internal", "loadBalancerType"],
  "aws:lb/listener:Listener": ["loadBalancerArn"],
  // `priority` is explicitly not ForceNew: a new priority is a SetRulePriorities call on the same rule.
  "aws:lb/listenerRule:ListenerRule": ["listenerArn"],
  "aws:iam/role:Role": ["name", "namePrefix", "path"],
  "aws:iam/rolePolicy:RolePolicy": ["name", "namePrefix", "role"],
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ["role", "policyArn"],
  "aws:secretsmanager/secret:Secret": ["name", "namePrefix"],
  "aws:secretsmanager/secretVersion:SecretVersion": [
    "secretId",
    "secretString",
    "secretBinary",
    "secretStringWoVersion",
  ],
  // `input` too while `lifecycleScope` is CREATE_ONLY (the default): see forcesReplacement.
  "aws:lambda/invocation:Invocation": ["functionName", "qualifier", "triggers"],
  "aws:cloudwatch/logGroup:LogGroup": ["name", "namePrefix"],
  "aws:ecs/cluster:Cluster": ["name"],
  "aws:ecs/service:Service": ["name", "cluster", "launchType", "schedulingStrategy"],
  "aws:ec2/securityGroup:SecurityGroup": ["name", "namePrefix", "description", "vpcId"],
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ["securityGroupId"],
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ["securityGroupId"],
  "aws:ec2/securityGroupRule:SecurityGroupRule": [
    "securityGroupId",
    "type",
    "fromPort",
    "toPort",
    "protocol",
    "cidrBlocks",
    "sourceSecurityGroupId",
    "self",
  ],
  "aws:ecr/repository:Repository": ["name"],
};

/** Task definitions are immutable: every change except tags registers a new revision (a replacement). */
const ALL_BUT_TAGS = new Set(["aws:ecs/taskDefinition:TaskDefinition"]);

/** Names the provider renames in place, although the simulation treats them as the resource's name. */
const RENAMED_IN_PLACE: Record<string, string[]> = {
  "aws:rds/instance:Instance": ["identifier", "identifierPrefix"],
};

const INVOCATION = "aws:lambda/invocation:Invocation";

/**
 * Whether a change of `key` replaces the resource. `inputs` are the new inputs, for the provider's CustomizeDiff
 * rules that depend on them: an Invocation whose `lifecycleScope` is CREATE_ONLY (the default) is replaced when its
 * `input` changes (ForceNew in customizeDiffInputChangeWithCreateOnlyScope), with CRUD it is updated (invoked again).
 */
export function forcesReplacement(type: string, key: string, inputs: Record<string, unknown> = {}): boolean {
  const t = canonicalType(type);
  if (ALL_BUT_TAGS.has(t)) return key !== "tags" && key !== "tagsAll" && key !== "skipDestroy";
  if (RENAMED_IN_PLACE[t]?.includes(key)) return false;
  if (t === INVOCATION && key === "input")
    return inputs["lifecycleScope"] === undefined || inputs["lifecycleScope"] === "CREATE_ONLY";
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
