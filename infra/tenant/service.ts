// The tenant's app on Fargate: two IAM roles, the task definition and the service behind its target group.
import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { CONTAINER_NAME, CONTAINER_PORT } from "../naming";
import { containerDefinitions, fargateTaskSettings } from "./container";
import type { TenantContext } from "./context";
import { ecsTasksTrustPolicy, readSecretsPolicy, taskExecutionManagedPolicyArn } from "./policies";

/** Time for a new task to start and answer /readyz before ALB health checks can fail the deployment. */
export const HEALTH_CHECK_GRACE_SECONDS = 60;

export interface TenantServiceArgs {
  readonly context: TenantContext;
  readonly securityGroupId: pulumi.Input<string>;
  readonly targetGroupArn: pulumi.Input<string>;
  /** ECS refuses a target group no listener forwards to yet, so the service is created after this rule. */
  readonly listenerRule: pulumi.Resource;
  readonly database: {
    readonly address: pulumi.Input<string>;
    readonly port: pulumi.Input<number>;
  };
  /** The app role's secret: the service never gets the RDS master secret. */
  readonly appDbSecretArn: pulumi.Input<string>;
  readonly adminTokenSecretArn: pulumi.Input<string>;
  /** Pool-born tenants: the identity secret the app reads at run time (and its task role may read). */
  readonly identitySecretArn?: pulumi.Input<string>;
  /** The bootstrap step (role, password, migrations): the service deploys only after it succeeded. */
  readonly bootstrap: pulumi.Resource;
}

export class TenantService extends pulumi.ComponentResource {
  readonly serviceName: pulumi.Output<string>;
  readonly taskDefinitionArn: pulumi.Output<string>;
  readonly taskRoleArn: pulumi.Output<string>;
  readonly executionRoleArn: pulumi.Output<string>;

  constructor(name: string, args: TenantServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tenantctl:tenant:TenantService", name, {}, opts);
    const ctx = args.context;
    const { executionRole, taskRole } = this.createRoles(ctx, args);
    const taskDefinition = this.createTaskDefinition(ctx, args, executionRole, taskRole);
    const service = this.createService(ctx, args, taskDefinition);

    this.serviceName = service.name;
    this.taskDefinitionArn = taskDefinition.arn;
    this.taskRoleArn = taskRole.arn;
    this.executionRoleArn = executionRole.arn;
    this.registerOutputs({ serviceName: this.serviceName, taskDefinitionArn: this.taskDefinitionArn });
  }

  /**
   * The execution role pulls the image and writes logs; it never reads secrets, because the container gets ARNs only.
   * The task role is what the app runs as: it can read this tenant's app-role and admin-token secrets and nothing
   * else (not the RDS master secret: only the bootstrap task's role can).
   */
  private createRoles(
    ctx: TenantContext,
    args: TenantServiceArgs,
  ): { executionRole: aws.iam.Role; taskRole: aws.iam.Role } {
    const { names, tags, shared, partition } = ctx;
    const trust = JSON.stringify(
      ecsTasksTrustPolicy({ partition, region: shared.region, accountId: shared.accountId }),
    );
    const executionRole = new aws.iam.Role(
      names.executionRole,
      { assumeRolePolicy: trust, description: `tenantctl ECS execution role of ${ctx.names.label}`, tags },
      { parent: this },
    );
    new aws.iam.RolePolicyAttachment(
      names.executionRoleManagedPolicy,
      { role: executionRole.name, policyArn: taskExecutionManagedPolicyArn(partition) },
      { parent: this },
    );
    const taskRole = new aws.iam.Role(
      names.taskRole,
      { assumeRolePolicy: trust, description: `tenantctl app role of ${ctx.names.label}`, tags },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      names.taskRoleSecretsPolicy,
      {
        role: taskRole.name,
        policy: pulumi
          .all([args.appDbSecretArn, args.adminTokenSecretArn, args.identitySecretArn])
          .apply(([appDb, adminToken, identity]) =>
            JSON.stringify(
              readSecretsPolicy(identity === undefined ? [appDb, adminToken] : [appDb, adminToken, identity]),
            ),
          ),
      },
      { parent: this },
    );
    return { executionRole, taskRole };
  }

  private createTaskDefinition(
    ctx: TenantContext,
    args: TenantServiceArgs,
    executionRole: aws.iam.Role,
    taskRole: aws.iam.Role,
  ): aws.ecs.TaskDefinition {
    const db = args.database;
    const definitions = pulumi
      .all([db.address, db.port, args.appDbSecretArn, args.adminTokenSecretArn, args.identitySecretArn])
      .apply(([dbHost, dbPort, appDbSecretArn, adminTokenSecretArn, identitySecretArn]) =>
        containerDefinitions(ctx, { dbHost, dbPort, appDbSecretArn, adminTokenSecretArn, identitySecretArn }),
      );
    return new aws.ecs.TaskDefinition(
      ctx.names.taskDefinition,
      {
        family: ctx.names.taskFamily,
        ...fargateTaskSettings(ctx.tier),
        executionRoleArn: executionRole.arn,
        taskRoleArn: taskRole.arn,
        containerDefinitions: definitions,
        tags: ctx.tags,
      },
      { parent: this },
    );
  }

  private createService(
    ctx: TenantContext,
    args: TenantServiceArgs,
    taskDefinition: aws.ecs.TaskDefinition,
  ): aws.ecs.Service {
    return new aws.ecs.Service(
      ctx.names.service,
      {
        cluster: ctx.shared.clusterArn,
        taskDefinition: taskDefinition.arn,
        desiredCount: ctx.tier.desiredCount,
        launchType: "FARGATE",
        platformVersion: "LATEST",
        networkConfiguration: {
          subnets: [...ctx.shared.privateSubnetIds],
          securityGroups: [args.securityGroupId],
          assignPublicIp: false,
        },
        loadBalancers: [
          { targetGroupArn: args.targetGroupArn, containerName: CONTAINER_NAME, containerPort: CONTAINER_PORT },
        ],
        healthCheckGracePeriodSeconds: HEALTH_CHECK_GRACE_SECONDS,
        deploymentCircuitBreaker: { enable: true, rollback: true },
        // A one-task tier must start the new task before stopping the old one, or every deploy is an outage.
        deploymentMinimumHealthyPercent: 100,
        deploymentMaximumPercent: 200,
        // `up` returns only when the deployment settled, so an upgrade wave sees a rolled-back deploy as a failure.
        waitForSteadyState: true,
        propagateTags: "SERVICE",
        enableEcsManagedTags: true,
        enableExecuteCommand: false,
        forceDelete: ctx.isPreview,
        tags: ctx.tags,
      },
      { parent: this, dependsOn: [args.listenerRule, args.bootstrap] },
    );
  }
}
