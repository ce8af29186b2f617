import { checkName, type Findings, type NameRule } from "./rules-common";
import { asArray, asNumber, asRecord, asString, type Props } from "./types";

const ELB_NAME = (what: string): NameRule => ({
  what,
  max: 32,
  charset: /^[A-Za-z0-9-]*$/,
  allowed: "letters, digits and hyphens",
  code: "ValidationError",
  noEdgeHyphen: true,
});

export const MAX_LISTENER_PRIORITY = 50000;
const MAX_HOST_HEADER = 128;
const MAX_CONDITION_VALUES = 5;
const MAX_DEREGISTRATION_DELAY = 3600;

export function checkLoadBalancer(f: Findings, inputs: Props, physical: string | undefined): void {
  if (physical !== undefined) {
    checkName(f, "lb-name", ELB_NAME("load balancer name"), physical);
    f.require(
      !physical.toLowerCase().startsWith("internal-"),
      "lb-name-internal",
      "ValidationError",
      `load balancer name "${physical}" must not start with "internal-"`,
    );
  }
  const type = asString(inputs["loadBalancerType"]) ?? "application";
  if (type === "application") {
    const subnets = asArray(inputs["subnets"]).length + asArray(inputs["subnetMappings"]).length;
    f.require(
      subnets >= 2,
      "lb-subnets",
      "ValidationError",
      `an Application Load Balancer needs subnets in at least two Availability Zones (got ${subnets})`,
    );
  }
}

export function checkTargetGroup(f: Findings, inputs: Props, physical: string | undefined): void {
  if (physical !== undefined) checkName(f, "tg-name", ELB_NAME("target group name"), physical);
  const targetType = asString(inputs["targetType"]) ?? "instance";
  f.require(
    ["instance", "ip", "lambda", "alb"].includes(targetType),
    "tg-target-type",
    "ValidationError",
    `targetType "${targetType}" (allowed: instance, ip, lambda, alb)`,
  );
  if (targetType !== "lambda") {
    const port = asNumber(inputs["port"]);
    f.require(
      port !== undefined && port >= 1 && port <= 65535,
      "tg-port",
      "ValidationError",
      `target group port ${String(port)} (allowed: 1–65535, required unless targetType is lambda)`,
    );
    f.require(
      asString(inputs["protocol"]) !== undefined,
      "tg-protocol",
      "ValidationError",
      "target group protocol is required unless targetType is lambda",
    );
  }
  const delay = asNumber(inputs["deregistrationDelay"]);
  if (delay !== undefined) {
    f.require(
      delay >= 0 && delay <= MAX_DEREGISTRATION_DELAY,
      "tg-deregistration-delay",
      "ValidationError",
      `deregistrationDelay ${delay} (allowed: 0–${MAX_DEREGISTRATION_DELAY} s)`,
    );
  }
  const path = asString(asRecord(inputs["healthCheck"])["path"]);
  if (path !== undefined) {
    f.require(
      path.startsWith("/") && path.length <= 1024,
      "tg-health-check-path",
      "ValidationError",
      `health check path "${path}" must start with "/" and be at most 1024 characters`,
    );
  }
}

export function checkListener(f: Findings, inputs: Props): void {
  const port = asNumber(inputs["port"]);
  if (port !== undefined)
    f.require(
      port >= 1 && port <= 65535,
      "listener-port",
      "ValidationError",
      `listener port ${port} (allowed: 1–65535)`,
    );
  if (asString(inputs["protocol"]) === "HTTPS") {
    f.require(
      asString(inputs["certificateArn"]) !== undefined,
      "listener-certificate",
      "CertificateNotFound",
      "an HTTPS listener needs certificateArn",
    );
  }
  f.require(
    asArray(inputs["defaultActions"]).length > 0,
    "listener-default-action",
    "ValidationError",
    "a listener needs at least one default action",
  );
}

export function checkListenerRule(f: Findings, inputs: Props): void {
  const priority = asNumber(inputs["priority"]);
  if (priority !== undefined) {
    f.require(
      Number.isInteger(priority) && priority >= 1 && priority <= MAX_LISTENER_PRIORITY,
      "listener-rule-priority",
      "ValidationError",
      `listener rule priority ${priority} (allowed: integer 1–${MAX_LISTENER_PRIORITY})`,
    );
  }
  const conditions = asArray(inputs["conditions"]).map(asRecord);
  f.require(
    conditions.length > 0,
    "listener-rule-conditions",
    "ValidationError",
    "a listener rule needs at least one condition",
  );
  const hostConditions = conditions.filter((c) => c["hostHeader"] !== undefined);
  f.require(
    hostConditions.length <= 1,
    "listener-rule-host-header-count",
    "ValidationError",
    `${hostConditions.length} host-header conditions (allowed: one per rule)`,
  );
  let values = 0;
  for (const c of conditions) {
    for (const key of ["hostHeader", "pathPattern", "httpRequestMethod", "sourceIp"]) {
      values += asArray(asRecord(c[key])["values"]).length;
    }
  }
  f.require(
    values <= MAX_CONDITION_VALUES,
    "listener-rule-condition-values",
    "TooManyConditionValues",
    `${values} condition values (allowed: at most ${MAX_CONDITION_VALUES} per rule)`,
  );
  for (const host of hostConditions.flatMap((c) => asArray(asRecord(c["hostHeader"])["values"]).map(asString))) {
    if (host === undefined) continue;
    f.require(
      host.length <= MAX_HOST_HEADER,
      "listener-rule-host-length",
      "ValidationError",
      `host-header value "${host}" is ${host.length} characters (allowed: at most ${MAX_HOST_HEADER})`,
    );
    f.require(
      /^[A-Za-z0-9.*?-]+$/.test(host),
      "listener-rule-host-charset",
      "ValidationError",
      `host-header value "${host}" contains characters outside A-Z, a-z, 0-9, - . * ?`,
    );
    f.require(
      host.split(".").every((label) => label.length <= 63),
      "listener-rule-host-label",
      "ValidationError",
      `host-header value "${host}" has a DNS label longer than 63`,
    );
  }
  f.require(
    asArray(inputs["actions"]).length > 0,
    "listener-rule-actions",
    "ValidationError",
    "a listener rule needs at least one action",
  );
}
