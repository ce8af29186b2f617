// What ECS, the load balancer and RDS are given by the tenant program, read from the resources `synthesize` records:
// the service's task definition, any one-off task definitions (the bootstrap step), the target group's health
// check, the database instance and the secrets' values as the simulated account holds them.
import type { SynthResource, SynthResult } from "../../infra/sim/synth";

export interface KeyValue {
  readonly name: string;
  readonly value: string;
}

/** The fields of an ECS container definition the local run honours (RegisterTaskDefinition's names). */
export interface ContainerDefinition {
  readonly name: string;
  readonly image: string;
  readonly essential?: boolean;
  readonly command?: readonly string[];
  readonly entryPoint?: readonly string[];
  readonly workingDirectory?: string;
  readonly user?: string;
  readonly readonlyRootFilesystem?: boolean;
  readonly environment?: readonly KeyValue[];
  readonly secrets?: readonly { readonly name: string; readonly valueFrom: string }[];
  readonly portMappings?: readonly { readonly containerPort: number; readonly protocol?: string }[];
  readonly mountPoints?: readonly {
    readonly sourceVolume: string;
    readonly containerPath: string;
    readonly readOnly?: boolean;
  }[];
}

export interface TaskDefinition {
  /** The Pulumi logical name, for messages. */
  readonly name: string;
  readonly arn: string;
  readonly family: string;
  readonly containers: readonly ContainerDefinition[];
  readonly volumes: readonly { readonly name: string }[];
  readonly taskRoleArn: string | undefined;
}

export interface HealthCheck {
  readonly path: string;
  readonly matcher: string;
  readonly protocol: string;
  /** `traffic-port` (the default) or a port number. */
  readonly port: string;
}

export interface TenantTasks {
  readonly service: TaskDefinition;
  /** The container and port the service registers in its target group. */
  readonly target: { readonly containerName: string; readonly containerPort: number };
  readonly targetGroup: { readonly port: number; readonly healthCheck: HealthCheck };
  /**
   * One-off steps (the bootstrap): task definitions the stack runs through an `aws:lambda/invocation:Invocation` of
   * the shared task runner (whose event names `taskDefinition`), in stack order, to run to completion first.
   */
  readonly oneOff: readonly TaskDefinition[];
  readonly database: {
    readonly host: string;
    readonly port: number;
    readonly dbName: string;
    readonly masterUsername: string;
    readonly masterSecretArn: string;
  };
  /** Every Secrets Manager secret the program creates, with the value its SecretVersion writes (if any). */
  readonly secrets: ReadonlyMap<string, string | undefined>;
}

const str = (v: unknown, what: string): string => {
  if (typeof v !== "string" || v === "") throw new Error(`tenant program: ${what} is missing`);
  return v;
};

function onlyOne(result: SynthResult, type: string, where: (r: SynthResource) => boolean = () => true): SynthResource {
  const found = result.resources.filter((r) => r.type === type && where(r));
  if (found.length !== 1) throw new Error(`tenant program: expected one ${type}, found ${found.length}`);
  return found[0] as SynthResource;
}

function taskDefinition(r: SynthResource): TaskDefinition {
  const raw = r.inputs["containerDefinitions"];
  const containers = (typeof raw === "string" ? JSON.parse(raw) : raw) as ContainerDefinition[];
  return {
    name: r.name,
    arn: str(r.outputs["arn"], `${r.name}'s ARN`),
    family: str(r.inputs["family"], `${r.name}'s family`),
    containers,
    volumes: (r.inputs["volumes"] as { name: string }[] | undefined) ?? [],
    taskRoleArn: r.inputs["taskRoleArn"] as string | undefined,
  };
}

/** The task definitions the stack's Invocations run; a task definition that nothing runs is a program bug. */
function oneOffTasks(result: SynthResult, candidates: readonly TaskDefinition[]): TaskDefinition[] {
  const invoked = result.resources
    .filter((r) => r.type === "aws:lambda/invocation:Invocation")
    .map((r) => {
      const raw = r.inputs["input"];
      const event = (typeof raw === "string" ? JSON.parse(raw) : raw) as { taskDefinition?: unknown } | undefined;
      return event?.taskDefinition;
    })
    .filter((arn): arn is string => typeof arn === "string");
  const unused = candidates.filter((d) => !invoked.includes(d.arn));
  if (unused.length > 0)
    throw new Error(
      `tenant program: task definition(s) ${unused.map((d) => d.name).join(", ")} run by neither the service nor an Invocation`,
    );
  return invoked
    .map((arn) => candidates.find((d) => d.arn === arn))
    .filter((d): d is TaskDefinition => d !== undefined);
}

export function tenantTasks(result: SynthResult): TenantTasks {
  const service = onlyOne(result, "aws:ecs/service:Service");
  const definitions = result.resources
    .filter((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition")
    .map(taskDefinition);
  const serviceDefinition = definitions.find((d) => d.arn === service.inputs["taskDefinition"]);
  if (serviceDefinition === undefined)
    throw new Error("tenant program: the service's task definition is not in the stack");
  const lb = (
    service.inputs["loadBalancers"] as
      { targetGroupArn: string; containerName: string; containerPort: number }[] | undefined
  )?.[0];
  if (lb === undefined) throw new Error("tenant program: the service registers no load balancer target");
  const tg = onlyOne(result, "aws:lb/targetGroup:TargetGroup", (r) => r.outputs["arn"] === lb.targetGroupArn);
  const hc = (tg.inputs["healthCheck"] ?? {}) as Partial<Record<keyof HealthCheck, unknown>>;
  const db = onlyOne(result, "aws:rds/instance:Instance");
  const masterSecrets = db.outputs["masterUserSecrets"] as { secretArn: string }[] | undefined;

  const secrets = new Map<string, string | undefined>();
  for (const s of result.resources.filter((r) => r.type === "aws:secretsmanager/secret:Secret"))
    secrets.set(str(s.outputs["arn"], `${s.name}'s ARN`), undefined);
  for (const v of result.resources.filter((r) => r.type === "aws:secretsmanager/secretVersion:SecretVersion")) {
    const value = v.inputs["secretString"] ?? v.inputs["secretStringWo"];
    secrets.set(str(v.inputs["secretId"], `${v.name}'s secretId`), typeof value === "string" ? value : undefined);
  }

  return {
    service: serviceDefinition,
    target: { containerName: lb.containerName, containerPort: lb.containerPort },
    // ELBv2's defaults when the program leaves a field out (CreateTargetGroup: path /, matcher 200, traffic-port).
    targetGroup: {
      port: tg.inputs["port"] as number,
      healthCheck: {
        path: typeof hc.path === "string" ? hc.path : "/",
        matcher: typeof hc.matcher === "string" ? hc.matcher : "200",
        protocol: typeof hc.protocol === "string" ? hc.protocol : "HTTP",
        port: typeof hc.port === "string" ? hc.port : "traffic-port",
      },
    },
    oneOff: oneOffTasks(
      result,
      definitions.filter((d) => d !== serviceDefinition),
    ),
    database: {
      host: str(db.outputs["address"], "the database address"),
      port: db.outputs["port"] as number,
      dbName: str(db.inputs["dbName"], "the database name"),
      masterUsername: str(db.inputs["username"], "the master username"),
      masterSecretArn: str(masterSecrets?.[0]?.secretArn, "the RDS-managed master secret"),
    },
    secrets,
  };
}

/** Whether an HTTP status satisfies an ELBv2 matcher ("200", "200,202", "200-299"). */
export function matcherAccepts(matcher: string, status: number): boolean {
  return matcher.split(",").some((part) => {
    const [lo = "", hi] = part.trim().split("-");
    const low = Number.parseInt(lo, 10);
    const high = hi === undefined ? low : Number.parseInt(hi, 10);
    return status >= low && status <= high;
  });
}
