/**
 * Stand-in shared stack outputs for `synth`: plausible, deterministic values so a newcomer without a cloud
 * account sees what a tenant would get. Never used for a real deployment.
 */
import type { SharedOutputs } from "../infra/shared/outputs";

export const PLACEHOLDER_ACCOUNT_ID = "123456789012";
export const PLACEHOLDER_REGION = "us-east-1";
export const PLACEHOLDER_BASE_DOMAIN = "tenants.example.com";

export function placeholderSharedOutputs(env: string): SharedOutputs {
  const region = PLACEHOLDER_REGION;
  const account = PLACEHOLDER_ACCOUNT_ID;
  const arn = (service: string, resource: string): string => `arn:aws:${service}:${region}:${account}:${resource}`;
  const repository = `${account}.dkr.ecr.${region}.amazonaws.com/tenantctl-${env}-app`;
  return {
    env,
    region,
    accountId: account,
    baseDomain: PLACEHOLDER_BASE_DOMAIN,
    certificateArn: arn("acm", "certificate/00000000-0000-4000-8000-000000000000"),
    vpcId: "vpc-0123456789abcdef0",
    vpcCidr: "10.0.0.0/16",
    privateSubnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
    publicSubnetIds: ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"],
    clusterArn: arn("ecs", `cluster/tenantctl-${env}`),
    clusterName: `tenantctl-${env}`,
    loadBalancers: [
      {
        id: "alb-0",
        arn: arn("elasticloadbalancing", `loadbalancer/app/tenantctl-${env}-0/0123456789abcdef`),
        dnsName: `tenantctl-${env}-0-123456789.${region}.elb.amazonaws.com`,
        zoneId: "Z35SXDOTRQ7X7K",
        securityGroupId: "sg-0ccccccccccccccc1",
        httpsListenerArn: arn(
          "elasticloadbalancing",
          `listener/app/tenantctl-${env}-0/0123456789abcdef/0123456789abcdef`,
        ),
      },
    ],
    logGroupName: `/tenantctl/${env}/tenants`,
    dbSubnetGroupName: `tenantctl-${env}-db`,
    ecrRepositoryUrl: repository,
    imageUri: `${repository}@sha256:${"0".repeat(64)}`,
    taskRunnerFunctionName: `tenantctl-${env}-task-runner`,
    bootstrapExecutionRoleArn: `arn:aws:iam::${account}:role/tenantctl/${env}/bootstrap/tenantctl-${env}-task-runner-boot-exec-0123456`,
  };
}
