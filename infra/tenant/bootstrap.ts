// The tenant's database bootstrap: a one-off ECS task (same image, `node dist/bootstrap.js`) that logs in as the RDS
// master user, creates or updates the app's own role, writes its password to the app secret and migrates as that
// role. The shared task runner Lambda runs it and waits; an Invocation of that Lambda orders it inside `up`.
import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { BOOTSTRAP_CONTAINER_NAME, bootstrapRolePath } from "../naming";
import type { TaskRunnerEvent } from "../shared/task-runner-handler";
import { BOOTSTRAP_TASK_SIZE, bootstrapContainerDefinitions, fargateTaskSettings } from "./container";
import type { TenantContext } from "./context";
import { bootstrapSecretsPolicy, ecsTasksTrustPolicy } from "./policies";

export interface TenantBootstrapArgs {
  readonly context: TenantContext;
  /** The service's security group: the database admits only it, so the bootstrap task runs in it too. */
  readonly securityGroupId: pulumi.Input<string>;
  readonly database: {
    readonly address: pulumi.Input<string>;
    readonly port: pulumi.Input<number>;
    readonly masterSecretArn: pulumi.Input<string>;
  };
  readonly appDbSecretArn: pulumi.Input<string>;
  /** What must exist before the task can reach the database (the instance and its security group rules). */
  readonly after: readonly pulumi.Resource[];
}

export class TenantBootstrap extends pulumi.ComponentResource {
  readonly taskDefinitionArn: pulumi.Output<string>;
  readonly taskRoleArn: pulumi.Output<string>;
  /** The service depends on this: a new image's migrations have run before the service deploys it. */
  readonly invocation: aws.lambda.Invocation;

  constructor(name: string, args: TenantBootstrapArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tenantctl:tenant:TenantBootstrap", name, {}, opts);
    const ctx = args.context;
    const taskRole = this.createRole(ctx, args);
    const taskDefinition = this.createTaskDefinition(ctx, args, taskRole);
    this.invocation = this.createInvocation(ctx, args, taskDefinition);

    this.taskDefinitionArn = taskDefinition.arn;
    this.taskRoleArn = taskRole.arn;
    this.registerOutputs({ taskDefinitionArn: this.taskDefinitionArn, taskRoleArn: this.taskRoleArn });
  }

  private createRole(ctx: TenantContext, args: TenantBootstrapArgs): aws.iam.Role {
    const { names, tags, shared, partition } = ctx;
    const role = new aws.iam.Role(
      names.bootstrapRole,
      {
        // The shared task runner may pass only roles under this path.
        path: bootstrapRolePath(ctx.spec.env),
        assumeRolePolicy: JSON.stringify(
          ecsTasksTrustPolicy({ partition, region: shared.region, accountId: shared.accountId }),
        ),
        description: `tenantctl database bootstrap of ${names.label}`,
        tags,
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      names.bootstrapRoleSecretsPolicy,
      {
        role: role.name,
        policy: pulumi
          .all([args.database.masterSecretArn, args.appDbSecretArn])
          .apply(([master, app]) => JSON.stringify(bootstrapSecretsPolicy(master, app))),
      },
      { parent: this },
    );
    return role;
  }

  private createTaskDefinition(
    ctx: TenantContext,
    args: TenantBootstrapArgs,
    taskRole: aws.iam.Role,
  ): aws.ecs.TaskDefinition {
    const db = args.database;
    const definitions = pulumi
      .all([db.address, db.port, db.masterSecretArn, args.appDbSecretArn])
      .apply(([dbHost, dbPort, masterSecretArn, appDbSecretArn]) =>
        bootstrapContainerDefinitions(ctx, { dbHost, dbPort, masterSecretArn, appDbSecretArn }),
      );
    return new aws.ecs.TaskDefinition(
      ctx.names.bootstrapTaskDefinition,
      {
        family: ctx.names.bootstrapTaskFamily,
        ...fargateTaskSettings(BOOTSTRAP_TASK_SIZE),
        executionRoleArn: ctx.shared.bootstrapExecutionRoleArn,
        taskRoleArn: taskRole.arn,
        containerDefinitions: definitions,
        tags: ctx.tags,
      },
      { parent: this },
    );
  }

  /**
   * Runs again whenever the bootstrap task definition gets a new revision (a new image, a new secret, a new
   * database address), which is exactly when migrations or the app role may need work; otherwise it stays put.
   * A failed task fails this resource, and the service (which depends on it) is not touched.
   */
  private createInvocation(
    ctx: TenantContext,
    args: TenantBootstrapArgs,
    taskDefinition: aws.ecs.TaskDefinition,
  ): aws.lambda.Invocation {
    const input = pulumi
      .all([taskDefinition.arn, args.securityGroupId])
      .apply(([taskDefinitionArn, securityGroupId]) => {
        const event: TaskRunnerEvent = {
          cluster: ctx.shared.clusterArn,
          taskDefinition: taskDefinitionArn,
          subnets: [...ctx.shared.privateSubnetIds],
          securityGroups: [securityGroupId],
          containerName: BOOTSTRAP_CONTAINER_NAME,
          logGroupName: ctx.shared.logGroupName,
          logStreamPrefix: ctx.names.logStreamPrefix,
        };
        return JSON.stringify(event);
      });
    return new aws.lambda.Invocation(
      ctx.names.bootstrapInvocation,
      {
        functionName: ctx.shared.taskRunnerFunctionName,
        input,
        triggers: { taskDefinition: taskDefinition.arn },
      },
      { parent: this, dependsOn: [...args.after] },
    );
  }
}
