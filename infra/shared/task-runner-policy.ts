// IAM documents of the shared task runner Lambda, from plain strings so tests read them without Pulumi.
import type { PolicyDocument } from "../tenant/policies";

/** Lambda may assume the role only for functions of this account (confused-deputy guard). */
export function lambdaTrustPolicy(accountId: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "LambdaOfThisAccount",
        Effect: "Allow",
        Principal: { Service: "lambda.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
    ],
  };
}

export interface TaskRunnerScope {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly env: string;
  readonly clusterArn: string;
  /** The central log group the bootstrap tasks write to. */
  readonly appLogGroupName: string;
  /** The function's own log group. */
  readonly ownLogGroupArn: string;
  /** Only task definition families ending in this may be run (`-bootstrap`). */
  readonly familySuffix: string;
  /** Only roles under this IAM path may be passed to the tasks (`/tenantctl/<env>/bootstrap/`). */
  readonly rolePath: string;
}

/**
 * Least privilege: run only bootstrap task definitions, only in this environment's cluster; pass only the bootstrap
 * roles, only to ECS tasks; describe and stop tasks only in this cluster; read only the central log group; write
 * only its own log group. RunTask and PassRole are the dangerous pair, so both are narrowed by name and condition.
 */
export function taskRunnerPolicy(s: TaskRunnerScope): PolicyDocument {
  const ecs = `arn:${s.partition}:ecs:${s.region}:${s.accountId}`;
  const clusterName = s.clusterArn.slice(s.clusterArn.lastIndexOf("/") + 1);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "RunBootstrapTasksInThisCluster",
        Effect: "Allow",
        Action: "ecs:RunTask",
        Resource: [
          `${ecs}:task-definition/tenant-${s.env}-*${s.familySuffix}:*`,
          `${ecs}:task-definition/preview-${s.env}-*${s.familySuffix}:*`,
        ],
        Condition: { ArnEquals: { "ecs:cluster": s.clusterArn } },
      },
      {
        Sid: "WatchAndStopTasksInThisCluster",
        Effect: "Allow",
        Action: ["ecs:DescribeTasks", "ecs:StopTask"],
        Resource: `${ecs}:task/${clusterName}/*`,
        Condition: { ArnEquals: { "ecs:cluster": s.clusterArn } },
      },
      {
        Sid: "PassOnlyBootstrapRolesToEcsTasks",
        Effect: "Allow",
        Action: "iam:PassRole",
        Resource: `arn:${s.partition}:iam::${s.accountId}:role${s.rolePath}*`,
        Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
      },
      {
        Sid: "ReadTaskLogs",
        Effect: "Allow",
        Action: "logs:GetLogEvents",
        Resource: `arn:${s.partition}:logs:${s.region}:${s.accountId}:log-group:${s.appLogGroupName}:log-stream:*`,
      },
      {
        Sid: "WriteOwnLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${s.ownLogGroupArn.replace(/:\*$/, "")}:log-stream:*`,
      },
    ],
  };
}
