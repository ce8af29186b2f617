import type { SharedOutputs } from "../../infra/shared/outputs";
import { simulateOutputs } from "../../infra/sim/aws-model";
import type { SynthResult } from "../../infra/sim/synth";

export const ACCOUNT = { region: "us-east-1", accountId: "123456789012" } as const;

export interface SharedStack {
  readonly outputs: SharedOutputs;
  readonly result: SynthResult | undefined;
}

/** Shared outputs for the tenant programs, with ARNs and ids shaped by the model. */
export async function sharedStack(env: string): Promise<SharedStack> {
  const ctx = { ...ACCOUNT, project: "tenantctl-shared", stack: env };
  const sim = (type: string, name: string, inputs: Record<string, unknown> = {}): Record<string, unknown> => simulateOutputs(type, name, inputs, ctx).outputs;
  const lb = sim("aws:lb/loadBalancer:LoadBalancer", "alb-0");
  const listener = sim("aws:lb/listener:Listener", "https", { loadBalancerArn: lb["arn"] });
  const cluster = sim("aws:ecs/cluster:Cluster", "cluster");
  const repo = sim("aws:ecr/repository:Repository", "app");
  const albSg = simulateOutputs("aws:ec2/securityGroup:SecurityGroup", "alb-sg", {}, ctx).id;
  return Promise.resolve({
    result: undefined,
    outputs: {
      env, region: ACCOUNT.region, accountId: ACCOUNT.accountId, baseDomain: "tenants.example.com",
      certificateArn: `arn:aws:acm:${ACCOUNT.region}:${ACCOUNT.accountId}:certificate/00000000-0000-4000-8000-000000000000`,
      vpcId: "vpc-0123456789abcdef0", vpcCidr: "10.0.0.0/16",
      privateSubnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"], publicSubnetIds: ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"],
      clusterArn: String(cluster["arn"]), clusterName: String(cluster["name"]),
      loadBalancers: [{ id: "alb-0", arn: String(lb["arn"]), dnsName: String(lb["dnsName"]), zoneId: String(lb["zoneId"]), securityGroupId: albSg, httpsListenerArn: String(listener["arn"]) }],
      logGroupName: `/tenantctl/${env}/tenants`, dbSubnetGroupName: `tenantctl-${env}-db`, ecrRepositoryUrl: String(repo["repositoryUrl"]),
      imageUri: `${String(repo["repositoryUrl"])}:v1`,
    },
  });
}
