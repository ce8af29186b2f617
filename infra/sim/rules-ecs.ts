import { checkName, parseJsonInput, type Findings, type NameRule } from "./rules-common";
import { asArray, asNumber, asRecord, asString, type Props } from "./types";

const ECS_NAME = (what: string): NameRule => ({
  what,
  max: 255,
  charset: /^[A-Za-z0-9_-]*$/,
  allowed: "letters, digits, hyphens and underscores",
  code: "ClientException",
});

/** Fargate's valid task sizes: cpu units → allowed memory (MiB). */
const FARGATE_MEMORY: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: [1024, 2048, 3072, 4096],
  1024: Array.from({ length: 7 }, (_, i) => (i + 2) * 1024),
  2048: Array.from({ length: 13 }, (_, i) => (i + 4) * 1024),
  4096: Array.from({ length: 23 }, (_, i) => (i + 8) * 1024),
  8192: Array.from({ length: 12 }, (_, i) => (i * 4 + 16) * 1024),
  16384: Array.from({ length: 12 }, (_, i) => (i * 8 + 32) * 1024),
};
export const MAX_STOP_TIMEOUT = 120;
const MAX_CONTAINERS = 10;

function fargateSizeProblem(cpu: number | undefined, memory: number | undefined): string | undefined {
  if (cpu === undefined || memory === undefined) return "Fargate task definitions need task-level cpu and memory";
  const allowed = FARGATE_MEMORY[cpu];
  if (allowed === undefined) return `cpu ${cpu} (allowed: ${Object.keys(FARGATE_MEMORY).join(", ")})`;
  return allowed.includes(memory) ? undefined : `memory ${memory} MiB with cpu ${cpu} (allowed: ${allowed.join(", ")})`;
}

/** `cpu`/`memory` are strings in the task definition API; the provider passes them through. */
function numeric(value: unknown): number | undefined {
  return asNumber(value) ?? (typeof value === "string" && /^\d+$/.test(value) ? Number(value) : undefined);
}

export function checkTaskDefinition(f: Findings, inputs: Props, physical: string | undefined): void {
  if (physical !== undefined) checkName(f, "ecs-family", ECS_NAME("task definition family"), physical);
  else f.fail("ecs-family-missing", "ClientException", "family is required");
  const fargate = asArray(inputs["requiresCompatibilities"]).includes("FARGATE");
  if (fargate) {
    const problem = fargateSizeProblem(numeric(inputs["cpu"]), numeric(inputs["memory"]));
    f.require(problem === undefined, "ecs-fargate-size", "ClientException", problem ?? "");
    f.require(
      asString(inputs["networkMode"]) === "awsvpc",
      "ecs-fargate-network-mode",
      "ClientException",
      `Fargate requires networkMode "awsvpc" (got ${String(inputs["networkMode"])})`,
    );
  }
  const containers = asArray(parseJsonInput(f, "containerDefinitions", inputs["containerDefinitions"])).map(asRecord);
  f.require(
    containers.length >= 1 && containers.length <= MAX_CONTAINERS,
    "ecs-container-count",
    "ClientException",
    `${containers.length} containers (allowed: 1–${MAX_CONTAINERS})`,
  );
  for (const c of containers) {
    const name = asString(c["name"]) ?? "";
    checkName(f, "ecs-container-name", ECS_NAME("container name"), name);
    f.require(
      asString(c["image"]) !== undefined,
      "ecs-container-image",
      "ClientException",
      `container "${name}" has no image`,
    );
    const stop = asNumber(c["stopTimeout"]);
    if (stop !== undefined)
      f.require(
        stop >= 0 && stop <= MAX_STOP_TIMEOUT,
        "ecs-stop-timeout",
        "ClientException",
        `container "${name}" stopTimeout ${stop} (allowed: 0–${MAX_STOP_TIMEOUT} s on Fargate)`,
      );
    for (const s of asArray(c["secrets"]).map(asRecord)) {
      const from = asString(s["valueFrom"]) ?? "";
      f.require(
        /^arn:aws[a-z-]*:(secretsmanager|ssm):/.test(from) || /^[\w./-]+$/.test(from),
        "ecs-secret-value-from",
        "ClientException",
        `container "${name}" secret ${String(s["name"])} valueFrom "${from}" is neither a Secrets Manager/SSM ARN nor a parameter name`,
      );
    }
    for (const e of asArray(c["environment"]).map(asRecord)) {
      f.require(
        typeof e["name"] === "string" && typeof e["value"] === "string",
        "ecs-environment-shape",
        "ClientException",
        `container "${name}" environment entry ${JSON.stringify(e)} needs string name and value`,
      );
    }
    const log = asRecord(c["logConfiguration"]);
    if (asString(log["logDriver"]) === "awslogs") {
      const options = asRecord(log["options"]);
      f.require(
        asString(options["awslogs-group"]) !== undefined && asString(options["awslogs-region"]) !== undefined,
        "ecs-awslogs-options",
        "ClientException",
        `container "${name}" awslogs needs awslogs-group and awslogs-region`,
      );
      if (fargate)
        f.require(
          asString(options["awslogs-stream-prefix"]) !== undefined,
          "ecs-awslogs-stream-prefix",
          "ClientException",
          `container "${name}" awslogs on Fargate needs awslogs-stream-prefix`,
        );
    }
  }
}

export function checkService(f: Findings, inputs: Props, physical: string | undefined): void {
  if (physical !== undefined) checkName(f, "ecs-service-name", ECS_NAME("ECS service name"), physical);
  const fargate =
    asString(inputs["launchType"]) === "FARGATE" || asArray(inputs["capacityProviderStrategies"]).length > 0;
  if (fargate) {
    const subnets = asArray(asRecord(inputs["networkConfiguration"])["subnets"]);
    f.require(
      subnets.length > 0,
      "ecs-service-network",
      "InvalidParameterException",
      "a Fargate service needs networkConfiguration with subnets (awsvpc)",
    );
  }
  const desired = asNumber(inputs["desiredCount"]);
  if (desired !== undefined)
    f.require(
      Number.isInteger(desired) && desired >= 0,
      "ecs-desired-count",
      "InvalidParameterException",
      `desiredCount ${desired} must be a non-negative integer`,
    );
  if (inputs["healthCheckGracePeriodSeconds"] !== undefined) {
    f.require(
      asArray(inputs["loadBalancers"]).length > 0,
      "ecs-grace-without-lb",
      "InvalidParameterException",
      "healthCheckGracePeriodSeconds is only valid for a service with a load balancer",
    );
  }
}
