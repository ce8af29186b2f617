// The environment's "run task and wait" Lambda: tenant stacks invoke it (aws.lambda.Invocation) to run their
// one-off bootstrap task inside the VPC and fail their `up` with its log lines when it fails. One per environment.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BOOTSTRAP_FAMILY_SUFFIX, bootstrapRolePath } from "../naming";
import { lambdaTrustPolicy, taskRunnerPolicy } from "./task-runner-policy";
import { taskRunnerSource } from "./task-runner-handler";
import { ecsTasksTrustPolicy, taskExecutionManagedPolicyArn } from "../tenant/policies";

/** Lambda's maximum: RunTask, image pull, migrations and the log read all fit in one invocation. */
export const TASK_RUNNER_TIMEOUT_SECONDS = 900;
export const TASK_RUNNER_RUNTIME = "nodejs22.x";
export const TASK_RUNNER_MEMORY_MB = 256;

export interface SharedTaskRunnerArgs {
  readonly env: string;
  readonly region: string;
  readonly accountId: pulumi.Input<string>;
  readonly clusterArn: pulumi.Input<string>;
  readonly logGroupName: pulumi.Input<string>;
  /** The environment's log retention; without a log group of its own Lambda's logs would never expire. */
  readonly logRetentionDays: number;
  readonly tags: Readonly<Record<string, string>>;
}

/** Explicit, so its log group can be created (with retention) before the function writes to it. */
export function taskRunnerFunctionName(env: string): string {
  return `tenantctl-${env}-task-runner`;
}

export class SharedTaskRunner extends pulumi.ComponentResource {
  readonly functionName: pulumi.Output<string>;
  /** The execution role of every tenant's bootstrap task (pull the image, write logs), under the bootstrap path. */
  readonly bootstrapExecutionRoleArn: pulumi.Output<string>;

  constructor(name: string, args: SharedTaskRunnerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tenantctl:shared:SharedTaskRunner", name, {}, opts);
    const { env, region, tags } = args;
    const functionName = taskRunnerFunctionName(env);
    const partition = pulumi.output(args.clusterArn).apply((arn) => arn.split(":")[1] ?? "aws");

    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: `/aws/lambda/${functionName}`, retentionInDays: args.logRetentionDays, tags },
      { parent: this },
    );
    const role = new aws.iam.Role(
      `${name}-role`,
      {
        assumeRolePolicy: pulumi
          .output(args.accountId)
          .apply((accountId) => JSON.stringify(lambdaTrustPolicy(accountId))),
        description: `tenantctl ${env} task runner (runs tenant bootstrap tasks)`,
        tags,
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: role.name,
        policy: pulumi
          .all([partition, args.accountId, args.clusterArn, args.logGroupName, logGroup.arn])
          .apply(([p, accountId, clusterArn, appLogGroup, ownLogGroupArn]) =>
            JSON.stringify(
              taskRunnerPolicy({
                partition: p,
                region,
                accountId,
                env,
                clusterArn,
                appLogGroupName: appLogGroup,
                ownLogGroupArn,
                familySuffix: BOOTSTRAP_FAMILY_SUFFIX,
                rolePath: bootstrapRolePath(env),
              }),
            ),
          ),
      },
      { parent: this },
    );
    const fn = new aws.lambda.Function(
      `${name}-fn`,
      {
        name: functionName,
        description: `tenantctl ${env}: runs a tenant's one-off ECS task and waits for it`,
        runtime: TASK_RUNNER_RUNTIME,
        handler: "index.handler",
        code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(taskRunnerSource()) }),
        role: role.arn,
        timeout: TASK_RUNNER_TIMEOUT_SECONDS,
        memorySize: TASK_RUNNER_MEMORY_MB,
        loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
        tags,
      },
      { parent: this, dependsOn: [logGroup] },
    );

    const executionRole = new aws.iam.Role(
      `${name}-boot-exec`,
      {
        path: bootstrapRolePath(env),
        assumeRolePolicy: pulumi
          .all([partition, args.accountId])
          .apply(([p, accountId]) => JSON.stringify(ecsTasksTrustPolicy({ partition: p, region, accountId }))),
        description: `tenantctl ${env} ECS execution role of tenant bootstrap tasks`,
        tags,
      },
      { parent: this },
    );
    new aws.iam.RolePolicyAttachment(
      `${name}-boot-exec-ecs`,
      { role: executionRole.name, policyArn: partition.apply(taskExecutionManagedPolicyArn) },
      { parent: this },
    );

    this.functionName = fn.name;
    this.bootstrapExecutionRoleArn = executionRole.arn;
    this.registerOutputs({
      functionName: this.functionName,
      bootstrapExecutionRoleArn: this.bootstrapExecutionRoleArn,
    });
  }
}
