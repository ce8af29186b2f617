import { checkName, type Findings, type NameRule } from "./rules-common";
import { asNumber, asString, type Props } from "./types";

const SECRET_NAME: NameRule = {
  what: "secret name",
  max: 512,
  charset: /^[A-Za-z0-9/_+=.@-]*$/,
  allowed: "A-Z a-z 0-9 / _ + = . @ -",
  code: "ValidationException",
};
const LOG_GROUP: NameRule = {
  what: "log group name",
  max: 512,
  charset: /^[A-Za-z0-9_\-/.#]*$/,
  allowed: "A-Z a-z 0-9 _ - / . #",
  code: "InvalidParameterException",
};
const SG_NAME: NameRule = {
  what: "security group name",
  max: 255,
  charset: /^[\x20-\x7e]*$/,
  allowed: "ASCII printable characters",
  code: "InvalidParameterValue",
};

export const LOG_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
const MIN_RECOVERY_WINDOW = 7;
const MAX_RECOVERY_WINDOW = 30;
const SG_DESCRIPTION_CHARSET = /^[A-Za-z0-9. _\-:/()#,@[\]+=&;{}!$*]*$/;

export function checkSecret(f: Findings, inputs: Props, physical: string | undefined): void {
  if (physical !== undefined) {
    checkName(f, "secret-name", SECRET_NAME, physical);
    // Secrets Manager resolves a name ending in -XXXXXX as a partial ARN, so such names are refused by tooling and ambiguous.
    f.require(
      !/-[A-Za-z0-9]{6}$/.test(physical),
      "secret-name-suffix",
      "ValidationException",
      `secret name "${physical}" ends with a hyphen and six characters, which Secrets Manager confuses with its ARN suffix`,
    );
    f.require(
      !physical.startsWith("aws/"),
      "secret-name-reserved",
      "ValidationException",
      `secret name "${physical}" uses the reserved prefix "aws/"`,
    );
  }
  const description = asString(inputs["description"]);
  if (description !== undefined) {
    f.require(
      description.length <= 2048,
      "secret-description-length",
      "ValidationException",
      `secret description is ${description.length} characters (allowed: at most 2048)`,
    );
  }
  const window = asNumber(inputs["recoveryWindowInDays"]);
  if (window !== undefined) {
    f.require(
      window === 0 || (window >= MIN_RECOVERY_WINDOW && window <= MAX_RECOVERY_WINDOW),
      "secret-recovery-window",
      "InvalidParameterException",
      `recoveryWindowInDays ${window} (allowed: 0 to force-delete, or ${MIN_RECOVERY_WINDOW}–${MAX_RECOVERY_WINDOW})`,
    );
  }
}

export function checkSecretVersion(f: Findings, inputs: Props): void {
  f.require(
    inputs["secretString"] === undefined || inputs["secretBinary"] === undefined,
    "secret-version-both",
    "InvalidParameterException",
    "secretString and secretBinary cannot both be set",
  );
}

export function checkLogGroup(f: Findings, inputs: Props, physical: string | undefined): void {
  if (physical !== undefined) {
    checkName(f, "log-group-name", LOG_GROUP, physical);
    f.require(
      !physical.startsWith("aws/"),
      "log-group-name-reserved",
      "InvalidParameterException",
      `log group name "${physical}" uses the reserved prefix "aws/"`,
    );
  }
  const retention = asNumber(inputs["retentionInDays"]);
  if (retention !== undefined && retention !== 0) {
    f.require(
      LOG_RETENTION_DAYS.includes(retention),
      "log-group-retention",
      "InvalidParameterException",
      `retentionInDays ${retention} (allowed: ${LOG_RETENTION_DAYS.join(", ")})`,
    );
  }
}

const ECS_CLUSTER: NameRule = {
  what: "ECS cluster name",
  max: 255,
  charset: /^[A-Za-z0-9_-]*$/,
  allowed: "letters, digits, hyphens and underscores",
  code: "ClientException",
};

export function checkEcsCluster(f: Findings, physical: string | undefined): void {
  if (physical !== undefined) checkName(f, "ecs-cluster-name", ECS_CLUSTER, physical);
}

export function checkSecurityGroup(f: Findings, inputs: Props, physical: string | undefined): void {
  if (physical !== undefined) {
    checkName(f, "sg-name", SG_NAME, physical);
    f.require(
      !physical.toLowerCase().startsWith("sg-"),
      "sg-name-prefix",
      "InvalidParameterValue",
      `security group name "${physical}" must not start with "sg-"`,
    );
  }
  // The provider defaults the description to "Managed by Pulumi".
  const description = asString(inputs["description"]) ?? "Managed by Pulumi";
  f.require(
    description.length <= 255,
    "sg-description-length",
    "InvalidParameterValue",
    `security group description is ${description.length} characters (allowed: at most 255)`,
  );
  f.require(
    SG_DESCRIPTION_CHARSET.test(description),
    "sg-description-charset",
    "InvalidParameterValue",
    `security group description "${description}" contains characters outside a-z A-Z 0-9 . _ - : / ( ) # , @ [ ] + = & ; { } ! $ * and space`,
  );
}

/** One ingress/egress rule (aws:vpc/securityGroup{Ingress,Egress}Rule or aws:ec2/securityGroupRule). */
export function checkSecurityGroupRule(f: Findings, inputs: Props): void {
  const protocol = asString(inputs["ipProtocol"]) ?? asString(inputs["protocol"]);
  const from = asNumber(inputs["fromPort"]);
  const to = asNumber(inputs["toPort"]);
  if (protocol !== "-1" && protocol !== "all") {
    f.require(
      from !== undefined && to !== undefined && from <= to,
      "sg-rule-ports",
      "InvalidParameterValue",
      `port range ${String(from)}–${String(to)} is not a valid range`,
    );
  }
  const peers = [
    "cidrIpv4",
    "cidrIpv6",
    "prefixListId",
    "referencedSecurityGroupId",
    "sourceSecurityGroupId",
    "cidrBlocks",
    "ipv6CidrBlocks",
    "self",
    "prefixListIds",
  ].filter((k) => inputs[k] !== undefined && inputs[k] !== false);
  f.require(
    peers.length >= 1,
    "sg-rule-peer",
    "MissingParameter",
    "a security group rule needs exactly one source or destination",
  );
}
