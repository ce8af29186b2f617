// The code of the shared "run task and wait" Lambda. The functions below are shipped as their own source text
// (taskRunnerSource), so each must be self-contained: no imports, no module-level values, only its parameters and
// JavaScript built-ins. Tests evaluate that very text with fake AWS clients.

/** What a tenant stack's aws.lambda.Invocation sends (infra/tenant/bootstrap.ts builds it). */
export interface TaskRunnerEvent {
  readonly cluster: string;
  readonly taskDefinition: string;
  readonly subnets: readonly string[];
  readonly securityGroups: readonly string[];
  readonly containerName: string;
  readonly logGroupName: string;
  readonly logStreamPrefix: string;
}

export interface TaskRunnerResult {
  readonly taskArn: string;
  readonly exitCode: 0;
}

export interface TaskRunnerDeps {
  /** One AWS API call, e.g. `call("ecs", "RunTask", {...})`; resolves to the API's response. */
  readonly call: (
    service: "ecs" | "logs",
    operation: string,
    params: Record<string, unknown>,
  ) => Promise<Record<string, unknown>>;
  readonly sleep: (ms: number) => Promise<void>;
  /** Time left before Lambda kills the invocation (context.getRemainingTimeInMillis). */
  readonly remainingMs: () => number;
}

/**
 * Starts one Fargate task, waits until it stops and returns when its container exited 0. Anything else throws an
 * Error whose message carries the task's last log lines: the Invocation fails with that message, so the failing
 * `pulumi up` (and tenantctl) shows why the step failed.
 */
export async function runTaskAndWait(event: TaskRunnerEvent, deps: TaskRunnerDeps): Promise<TaskRunnerResult> {
  const POLL_MS = 5000;
  // Kept back to stop the task and read its logs before Lambda's own timeout ends the invocation.
  const RESERVE_MS = 30000;
  const LOG_LINES = 20;
  for (const key of ["cluster", "taskDefinition", "containerName", "logGroupName", "logStreamPrefix"] as const) {
    if (typeof event[key] !== "string" || event[key] === "")
      throw new Error(`task runner: event.${key} must be a non-empty string`);
  }
  if (!Array.isArray(event.subnets) || event.subnets.length === 0)
    throw new Error("task runner: event.subnets must list at least one subnet");
  if (!Array.isArray(event.securityGroups) || event.securityGroups.length === 0)
    throw new Error("task runner: event.securityGroups must list at least one security group");

  const started = await deps.call("ecs", "RunTask", {
    cluster: event.cluster,
    taskDefinition: event.taskDefinition,
    launchType: "FARGATE",
    count: 1,
    startedBy: "tenantctl-task-runner",
    networkConfiguration: {
      awsvpcConfiguration: {
        subnets: [...event.subnets],
        securityGroups: [...event.securityGroups],
        assignPublicIp: "DISABLED",
      },
    },
  });
  const tasks = Array.isArray(started["tasks"]) ? (started["tasks"] as Record<string, unknown>[]) : [];
  const failures = Array.isArray(started["failures"]) ? (started["failures"] as Record<string, unknown>[]) : [];
  const taskArn = typeof tasks[0]?.["taskArn"] === "string" ? (tasks[0]["taskArn"] as string) : undefined;
  if (taskArn === undefined) {
    const reasons = failures.map(
      (f) => `${String(f["reason"] ?? "unknown")}${f["detail"] ? ` (${String(f["detail"])})` : ""}`,
    );
    throw new Error(`task ${event.taskDefinition} did not start: ${reasons.join("; ") || "RunTask returned no task"}`);
  }
  const taskId = taskArn.slice(taskArn.lastIndexOf("/") + 1);

  const lastLogLines = async (): Promise<string> => {
    const logStreamName = `${event.logStreamPrefix}/${event.containerName}/${taskId}`;
    try {
      const out = await deps.call("logs", "GetLogEvents", {
        logGroupName: event.logGroupName,
        logStreamName,
        limit: LOG_LINES,
        startFromHead: false,
      });
      const events = Array.isArray(out["events"]) ? (out["events"] as Record<string, unknown>[]) : [];
      const lines = events.map((e) => String(e["message"] ?? "").replace(/\s+$/, ""));
      return lines.length === 0 ? `(log stream ${logStreamName} is empty)` : lines.join("\n");
    } catch (err) {
      return `(no log lines from ${event.logGroupName}/${logStreamName}: ${err instanceof Error ? err.message : String(err)})`;
    }
  };

  let task: Record<string, unknown> | undefined;
  for (;;) {
    const described = await deps.call("ecs", "DescribeTasks", { cluster: event.cluster, tasks: [taskArn] });
    task = Array.isArray(described["tasks"]) ? (described["tasks"] as Record<string, unknown>[])[0] : undefined;
    if (task?.["lastStatus"] === "STOPPED") break;
    if (deps.remainingMs() < RESERVE_MS + POLL_MS) {
      await deps.call("ecs", "StopTask", {
        cluster: event.cluster,
        task: taskArn,
        reason: "tenantctl task runner: out of time",
      });
      throw new Error(
        `task ${taskId} (${event.taskDefinition}) did not finish in time and was stopped; its last log lines:\n${await lastLogLines()}`,
      );
    }
    await deps.sleep(POLL_MS);
  }

  const containers = Array.isArray(task["containers"]) ? (task["containers"] as Record<string, unknown>[]) : [];
  const container = containers.find((c) => c["name"] === event.containerName);
  const exitCode = container?.["exitCode"];
  if (exitCode === 0) return { taskArn, exitCode: 0 };
  const why = [
    `exit code ${exitCode === undefined ? "none" : String(exitCode)}`,
    task["stoppedReason"] ? `stopped: ${String(task["stoppedReason"])}` : "",
    container?.["reason"] ? `container: ${String(container["reason"])}` : "",
  ]
    .filter((s) => s !== "")
    .join("; ");
  throw new Error(
    `task ${taskId} (${event.taskDefinition}) failed (${why}); its last log lines:\n${await lastLogLines()}`,
  );
}

/** The AWS SDK v3 call the Lambda runtime makes (its Node.js runtimes ship @aws-sdk/client-ecs and -cloudwatch-logs). */
export async function awsCall(
  service: "ecs" | "logs",
  operation: string,
  params: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = service === "ecs" ? require("@aws-sdk/client-ecs") : require("@aws-sdk/client-cloudwatch-logs");
  const Client = service === "ecs" ? sdk.ECSClient : sdk.CloudWatchLogsClient;
  const Command = sdk[`${operation}Command`];
  if (typeof Command !== "function") throw new Error(`task runner: no ${operation} in the ${service} SDK`);
  return (await new Client({}).send(new Command(params))) as Record<string, unknown>;
}

/** The Lambda's index.js: the two functions above as written, and the handler that wires them. */
export function taskRunnerSource(): string {
  return [
    '"use strict";',
    `const runTaskAndWait = ${runTaskAndWait.toString()};`,
    `const awsCall = ${awsCall.toString()};`,
    "exports.handler = async (event, context) => runTaskAndWait(event, {",
    "  call: awsCall,",
    "  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),",
    "  remainingMs: () => context.getRemainingTimeInMillis(),",
    "});",
    "",
  ].join("\n");
}
