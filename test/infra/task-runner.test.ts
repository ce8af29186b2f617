import { runInNewContext } from "node:vm";
import { taskRunnerSource, type TaskRunnerEvent } from "../../infra/shared/task-runner-handler";
import { taskRunnerPolicy } from "../../infra/shared/task-runner-policy";

const EVENT: TaskRunnerEvent = {
  cluster: "arn:aws:ecs:us-east-1:123456789012:cluster/tenantctl-dev-cluster-abc1234",
  taskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/tenant-dev-acme-bootstrap:3",
  subnets: ["subnet-1", "subnet-2"],
  securityGroups: ["sg-1"],
  containerName: "bootstrap",
  logGroupName: "/tenantctl/dev/apps",
  logStreamPrefix: "tenant-acme",
};
const TASK_ARN =
  "arn:aws:ecs:us-east-1:123456789012:task/tenantctl-dev-cluster-abc1234/0123456789abcdef0123456789abcdef";

interface Call {
  readonly service: string;
  readonly op: string;
  readonly params: Record<string, unknown>;
}

/**
 * Loads the Lambda's index.js exactly as shipped (the text of taskRunnerSource) in a fresh VM context, with fake
 * `@aws-sdk/client-ecs` and `@aws-sdk/client-cloudwatch-logs` modules answering from `answer`.
 */
function lambda(answer: (call: Call) => Record<string, unknown>) {
  const calls: Call[] = [];
  const sdk = (service: string, clientName: string) => {
    const mod: Record<string, unknown> = {
      [clientName]: class {
        async send(command: { op: string; input: Record<string, unknown> }) {
          const call = { service, op: command.op, params: command.input };
          calls.push(call);
          return answer(call);
        }
      },
    };
    for (const op of ["RunTask", "DescribeTasks", "StopTask", "GetLogEvents"]) {
      mod[`${op}Command`] = class {
        readonly op = op;
        constructor(readonly input: Record<string, unknown>) {}
      };
    }
    return mod;
  };
  const modules: Record<string, unknown> = {
    "@aws-sdk/client-ecs": sdk("ecs", "ECSClient"),
    "@aws-sdk/client-cloudwatch-logs": sdk("logs", "CloudWatchLogsClient"),
  };
  const exports: { handler?: (event: unknown, context: unknown) => Promise<unknown> } = {};
  const require = (name: string) => {
    if (!(name in modules)) throw new Error(`the Lambda requires ${name}, which its runtime does not provide`);
    return modules[name];
  };
  // Sleeps resolve at once: the fake clock is the number of DescribeTasks calls.
  runInNewContext(taskRunnerSource(), {
    exports,
    require,
    setTimeout: (fn: () => void) => fn(),
    Promise,
    Error,
    JSON,
    Array,
    String,
  });
  let remaining = 900_000;
  const context = { getRemainingTimeInMillis: () => (remaining -= 5_000) };
  return { calls, invoke: (event: unknown = EVENT) => exports.handler!(event, context) };
}

const running = { tasks: [{ taskArn: TASK_ARN, lastStatus: "RUNNING", containers: [{ name: "bootstrap" }] }] };
const stopped = (exitCode: number | undefined, extra: Record<string, unknown> = {}) => ({
  tasks: [
    {
      taskArn: TASK_ARN,
      lastStatus: "STOPPED",
      ...extra,
      containers: [{ name: "bootstrap", ...(exitCode === undefined ? {} : { exitCode }) }],
    },
  ],
});

describe("the task runner Lambda (its shipped source, fake AWS)", () => {
  it("runs the task privately in the given subnets and group, waits for it to stop, and returns on exit 0", async () => {
    let polls = 0;
    const fn = lambda(({ op }) => {
      if (op === "RunTask") return { tasks: [{ taskArn: TASK_ARN }], failures: [] };
      if (op === "DescribeTasks") return ++polls < 3 ? running : stopped(0);
      throw new Error(`unexpected ${op}`);
    });
    await expect(fn.invoke()).resolves.toEqual({ taskArn: TASK_ARN, exitCode: 0 });
    expect(fn.calls[0]).toEqual({
      service: "ecs",
      op: "RunTask",
      params: {
        cluster: EVENT.cluster,
        taskDefinition: EVENT.taskDefinition,
        launchType: "FARGATE",
        count: 1,
        startedBy: "tenantctl-task-runner",
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: ["subnet-1", "subnet-2"],
            securityGroups: ["sg-1"],
            assignPublicIp: "DISABLED",
          },
        },
      },
    });
    expect(fn.calls.filter((c) => c.op === "DescribeTasks")).toHaveLength(3);
  });

  it("fails with the task's last 20 log lines when the container exits non-zero", async () => {
    const fn = lambda(({ op, params }) => {
      if (op === "RunTask") return { tasks: [{ taskArn: TASK_ARN }] };
      if (op === "DescribeTasks") return stopped(1, { stoppedReason: "Essential container in task exited" });
      if (op === "GetLogEvents") {
        expect(params).toEqual({
          logGroupName: "/tenantctl/dev/apps",
          logStreamName: "tenant-acme/bootstrap/0123456789abcdef0123456789abcdef",
          limit: 20,
          startFromHead: false,
        });
        return {
          events: [
            { message: '{"msg":"app role ready"}' },
            {
              message:
                '{"level":60,"msg":"bootstrap failed","err":{"message":"permission denied for schema public"}}\n',
            },
          ],
        };
      }
      throw new Error(`unexpected ${op}`);
    });
    const err = (await fn.invoke().then(
      () => new Error("resolved"),
      (e: unknown) => e,
    )) as Error;
    expect(err.message).toContain("failed (exit code 1; stopped: Essential container in task exited)");
    expect(err.message).toContain("permission denied for schema public");
    expect(err.message.split("\n").slice(-2)).toEqual([
      '{"msg":"app role ready"}',
      '{"level":60,"msg":"bootstrap failed","err":{"message":"permission denied for schema public"}}',
    ]);
  });

  it("fails with RunTask's reasons when the task cannot start", async () => {
    const fn = lambda(({ op }) => {
      if (op === "RunTask")
        return { tasks: [], failures: [{ arn: EVENT.taskDefinition, reason: "RESOURCE:ENI", detail: "no free IPs" }] };
      throw new Error(`unexpected ${op}`);
    });
    await expect(fn.invoke()).rejects.toThrow(/did not start: RESOURCE:ENI \(no free IPs\)/);
  });

  it("says so when the container never ran and has no log stream (image pull failed)", async () => {
    const fn = lambda(({ op }) => {
      if (op === "RunTask") return { tasks: [{ taskArn: TASK_ARN }] };
      if (op === "DescribeTasks") return stopped(undefined, { stoppedReason: "CannotPullContainerError: not found" });
      if (op === "GetLogEvents") throw new Error("The specified log stream does not exist.");
      throw new Error(`unexpected ${op}`);
    });
    const err = (await fn.invoke().then(
      () => new Error("resolved"),
      (e: unknown) => e,
    )) as Error;
    expect(err.message).toContain("exit code none; stopped: CannotPullContainerError: not found");
    expect(err.message).toContain(
      "(no log lines from /tenantctl/dev/apps/tenant-acme/bootstrap/0123456789abcdef0123456789abcdef: The specified log stream does not exist.)",
    );
  });

  it("stops a task that outlives the Lambda's time and fails with its logs", async () => {
    const fn = lambda(({ op }) => {
      if (op === "RunTask") return { tasks: [{ taskArn: TASK_ARN }] };
      if (op === "DescribeTasks") return running;
      if (op === "StopTask") return {};
      if (op === "GetLogEvents") return { events: [{ message: "migrating…" }] };
      throw new Error(`unexpected ${op}`);
    });
    const err = (await fn.invoke().then(
      () => new Error("resolved"),
      (e: unknown) => e,
    )) as Error;
    expect(err.message).toMatch(/did not finish in time and was stopped; its last log lines:\nmigrating…$/);
    expect(fn.calls.find((c) => c.op === "StopTask")?.params).toMatchObject({ cluster: EVENT.cluster, task: TASK_ARN });
  });

  it("refuses an event without subnets before calling AWS", async () => {
    const fn = lambda(() => ({}));
    await expect(fn.invoke({ ...EVENT, subnets: [] })).rejects.toThrow(/event.subnets must list at least one subnet/);
    expect(fn.calls).toEqual([]);
  });
});

describe("the task runner's IAM policy", () => {
  const doc = taskRunnerPolicy({
    partition: "aws",
    region: "us-east-1",
    accountId: "123456789012",
    env: "dev",
    clusterArn: EVENT.cluster,
    appLogGroupName: "/tenantctl/dev/apps",
    ownLogGroupArn: "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/tenantctl-dev-task-runner",
    familySuffix: "-bootstrap",
    rolePath: "/tenantctl/dev/bootstrap/",
  });
  const bySid = (sid: string) => doc.Statement.find((s) => s.Sid === sid);

  it("runs only bootstrap task definitions, only in this environment's cluster", () => {
    expect(bySid("RunBootstrapTasksInThisCluster")).toMatchObject({
      Action: "ecs:RunTask",
      Resource: [
        "arn:aws:ecs:us-east-1:123456789012:task-definition/tenant-dev-*-bootstrap:*",
        "arn:aws:ecs:us-east-1:123456789012:task-definition/preview-dev-*-bootstrap:*",
      ],
      Condition: { ArnEquals: { "ecs:cluster": EVENT.cluster } },
    });
  });

  it("passes only roles under the bootstrap path, only to ECS tasks", () => {
    expect(bySid("PassOnlyBootstrapRolesToEcsTasks")).toEqual({
      Sid: "PassOnlyBootstrapRolesToEcsTasks",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: "arn:aws:iam::123456789012:role/tenantctl/dev/bootstrap/*",
      Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
    });
  });

  it("grants nothing with a bare wildcard resource and nothing beyond ECS, PassRole and logs", () => {
    for (const s of doc.Statement) {
      expect(s.Resource).not.toBe("*");
      for (const action of [s.Action].flat())
        expect(action).toMatch(
          /^(ecs:(RunTask|DescribeTasks|StopTask)|iam:PassRole|logs:(GetLogEvents|CreateLogStream|PutLogEvents))$/,
        );
    }
  });
});
