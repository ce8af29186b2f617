// The shared program: the layer every tenant of one environment sits on. Runs inline under the Automation API and,
// through infra/shared/index.ts, as the root project for `pulumi up -s <env>`.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { loadBalancerId } from "../spec-rules";
import { SharedCertificate } from "./certificate";
import { albDeletionProtection, type SharedConfig } from "./config";
import { SharedLoadBalancer } from "./load-balancer";
import { SharedNetwork } from "./network";
import type { SharedOutputs } from "./outputs";
import { SharedRegistry } from "./registry";
import { sharedImageLifecycle } from "./image-lifecycle";
import { SharedTaskRunner } from "./task-runner";
import { sharedTags } from "../tags";

/** Stack outputs as the program returns them: each key of SharedOutputs, its value possibly not yet known. */
export type SharedStackOutputs = { readonly [K in keyof SharedOutputs]: pulumi.Input<SharedOutputs[K]> };

export function sharedProgram(config: SharedConfig): () => Promise<SharedStackOutputs> {
  return async () => buildShared(config);
}

function buildShared(config: SharedConfig): SharedStackOutputs {
  const tags = sharedTags(config.env);
  const prefix = `tenantctl-${config.env}`;
  const network = new SharedNetwork(prefix, { config, tags });

  const cluster = new aws.ecs.Cluster(`${prefix}-cluster`, {
    settings: [{ name: "containerInsights", value: "enabled" }],
    tags,
  });
  // Explicit name: every tenant's task definition points its awslogs driver at it.
  const logGroup = new aws.cloudwatch.LogGroup(`${prefix}-apps`, {
    name: `/tenantctl/${config.env}/apps`,
    retentionInDays: config.logRetentionDays,
    tags,
  });
  const accountId = aws.getCallerIdentityOutput().accountId;
  const taskRunner = new SharedTaskRunner(`${prefix}-task-runner`, {
    env: config.env,
    region: config.region,
    accountId,
    clusterArn: cluster.arn,
    logGroupName: logGroup.name,
    logRetentionDays: config.logRetentionDays,
    tags,
  });
  const registry = new SharedRegistry(prefix, { imageUri: config.imageUri, appPath: config.appPath, tags });
  sharedImageLifecycle(prefix, registry.repositoryUrl);
  const certificate = new SharedCertificate(prefix, {
    baseDomain: config.baseDomain,
    hostedZoneId: config.hostedZoneId,
    certificateArn: config.certificateArn,
    tags,
  });

  // An ALB holds at most 100 target groups (not adjustable), so tenants are spread over `albCount` of them.
  const loadBalancers = Array.from({ length: config.albCount }, (_, index) => {
    const id = loadBalancerId(index);
    return new SharedLoadBalancer(`${config.env}-${id}`, {
      id,
      vpcId: network.vpcId,
      vpcCidr: config.vpcCidr,
      publicSubnetIds: network.publicSubnetIds,
      certificateArn: certificate.certificateArn,
      deletionProtection: albDeletionProtection(config),
      tags,
    });
  });

  return {
    env: config.env,
    region: config.region,
    accountId,
    baseDomain: config.baseDomain,
    // Absent rather than undefined: Pulumi warns about undefined stack outputs.
    ...(config.hostedZoneId === undefined ? {} : { hostedZoneId: config.hostedZoneId }),
    certificateArn: certificate.certificateArn,
    certificateValidationRecords: certificate.validationRecords,
    vpcId: network.vpcId,
    vpcCidr: config.vpcCidr,
    privateSubnetIds: network.privateSubnetIds,
    publicSubnetIds: network.publicSubnetIds,
    clusterArn: cluster.arn,
    clusterName: cluster.name,
    loadBalancers: pulumi.all(loadBalancers.map((lb) => lb.outputs)),
    logGroupName: logGroup.name,
    dbSubnetGroupName: network.dbSubnetGroupName,
    ecrRepositoryUrl: registry.repositoryUrl,
    imageUri: registry.imageUri,
    taskRunnerFunctionName: taskRunner.functionName,
    bootstrapExecutionRoleArn: taskRunner.bootstrapExecutionRoleArn,
  };
}
