import { hexFrom } from "./arns";
import { asString, canonicalType, type Props } from "./types";

/** How the pulumi-aws bridge fills a resource's name when the program gives none (its `AutoName…` overrides). */
interface AutoNameRule {
  readonly field: string;
  readonly prefixField: string;
  readonly separator: string;
  readonly lowercase: boolean;
  /** Terraform truncates names generated from a prefix to this length (LB and TG only). */
  readonly prefixMaxLength?: number;
}

const DEFAULT_RULE: AutoNameRule = { field: "name", prefixField: "namePrefix", separator: "-", lowercase: false };

/**
 * Types whose name the bridge auto-generates. Everything else (VPC, subnets, listeners, rules, attachments…)
 * has no name of its own in AWS, so the simulation gives it none.
 */
const AUTO_NAMED: Readonly<Record<string, AutoNameRule>> = {
  "aws:rds/instance:Instance": { field: "identifier", prefixField: "identifierPrefix", separator: "", lowercase: true },
  "aws:rds/subnetGroup:SubnetGroup": { ...DEFAULT_RULE, lowercase: true },
  "aws:rds/parameterGroup:ParameterGroup": { ...DEFAULT_RULE, lowercase: true },
  "aws:ecr/repository:Repository": { ...DEFAULT_RULE, lowercase: true },
  "aws:lb/loadBalancer:LoadBalancer": { ...DEFAULT_RULE, prefixMaxLength: 32 },
  "aws:lb/targetGroup:TargetGroup": { ...DEFAULT_RULE, prefixMaxLength: 32 },
  "aws:iam/role:Role": DEFAULT_RULE,
  "aws:iam/policy:Policy": DEFAULT_RULE,
  "aws:iam/rolePolicy:RolePolicy": DEFAULT_RULE,
  "aws:iam/instanceProfile:InstanceProfile": DEFAULT_RULE,
  "aws:secretsmanager/secret:Secret": DEFAULT_RULE,
  "aws:cloudwatch/logGroup:LogGroup": DEFAULT_RULE,
  "aws:ecs/cluster:Cluster": DEFAULT_RULE,
  "aws:ecs/service:Service": DEFAULT_RULE,
  "aws:ec2/securityGroup:SecurityGroup": DEFAULT_RULE,
  "aws:lambda/function:Function": DEFAULT_RULE,
};

/** Length of Terraform's `id.UniqueId()` suffix used after a `namePrefix`. */
const PREFIX_SUFFIX_LENGTH = 26;
/** Pulumi's auto-name suffix: 7 random hex characters. */
export const AUTO_NAME_RANDOM_LENGTH = 7;

/** The name field AWS knows the resource by, when the type has one. */
export function nameField(type: string): string | undefined {
  const t = canonicalType(type);
  if (t === "aws:ecs/taskDefinition:TaskDefinition") return "family";
  return AUTO_NAMED[t]?.field;
}

/**
 * The physical name AWS will hold for this resource: the program's explicit name, a Terraform-style name from a
 * prefix, or Pulumi's auto-name (logical name + separator + 7 hex) — all deterministic from `seed`.
 * `undefined` for types that have no name in AWS.
 */
export function physicalName(type: string, logicalName: string, inputs: Props, seed: string): string | undefined {
  const t = canonicalType(type);
  if (t === "aws:ecs/taskDefinition:TaskDefinition") return asString(inputs["family"]);
  const rule = AUTO_NAMED[t];
  if (rule === undefined) return asString(inputs["name"]);
  const explicit = asString(inputs[rule.field]);
  if (explicit !== undefined) return rule.lowercase ? explicit.toLowerCase() : explicit;
  const prefix = asString(inputs[rule.prefixField]);
  if (prefix !== undefined) {
    const digits = BigInt(`0x${hexFrom(seed, 22)}`)
      .toString()
      .padStart(PREFIX_SUFFIX_LENGTH, "0");
    const generated = `${prefix}${digits.slice(0, PREFIX_SUFFIX_LENGTH)}`;
    return rule.prefixMaxLength === undefined ? generated : generated.slice(0, rule.prefixMaxLength);
  }
  const auto = `${logicalName}${rule.separator}${hexFrom(seed, AUTO_NAME_RANDOM_LENGTH)}`;
  return rule.lowercase ? auto.toLowerCase() : auto;
}

/** The seed `synthesize` and the stand-in use, so a name and the outputs derived from it agree. */
export function defaultSeed(project: string, stack: string, type: string, logicalName: string): string {
  return `${project}/${stack}/${canonicalType(type)}/${logicalName}`;
}
