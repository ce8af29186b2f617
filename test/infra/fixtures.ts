import type { SharedOutputs } from "../../infra/shared/outputs";
import { parseTenantSpec, type TenantSpec, type TenantSpecInput } from "../../infra/spec";

export const ACCOUNT = { region: "us-east-1", accountId: "123456789012" } as const;

const arn = (service: string, resource: string): string =>
  `arn:aws:${service}:${ACCOUNT.region}:${ACCOUNT.accountId}:${resource}`;

/** A shared stack's outputs as the orchestration would read them (two ALBs, no Route 53 zone). */
export function sharedOutputs(overrides: Partial<SharedOutputs> = {}): SharedOutputs {
  const alb = (i: number) => ({
    id: `alb-${i}`,
    arn: arn("elasticloadbalancing", `loadbalancer/app/dev-alb-${i}-abc1234/00000000000000${i}0`),
    dnsName: `dev-alb-${i}-abc1234-123456789${i}.us-east-1.elb.amazonaws.com`,
    zoneId: "Z35SXDOTRQ7X7K",
    securityGroupId: `sg-0aaaaaaaaaaaaaa0${i}`,
    httpsListenerArn: arn(
      "elasticloadbalancing",
      `listener/app/dev-alb-${i}-abc1234/00000000000000${i}0/1111111111111111`,
    ),
  });
  return {
    env: "dev",
    region: ACCOUNT.region,
    accountId: ACCOUNT.accountId,
    baseDomain: "tenants.example.com",
    certificateArn: arn("acm", "certificate/00000000-0000-4000-8000-000000000000"),
    vpcId: "vpc-0123456789abcdef0",
    vpcCidr: "10.0.0.0/16",
    privateSubnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
    publicSubnetIds: ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"],
    clusterArn: arn("ecs", "cluster/tenantctl-dev-cluster-abc1234"),
    clusterName: "tenantctl-dev-cluster-abc1234",
    loadBalancers: [alb(0), alb(1)],
    logGroupName: "/tenantctl/dev/apps",
    dbSubnetGroupName: "tenantctl-dev-db-abc1234",
    ecrRepositoryUrl: `${ACCOUNT.accountId}.dkr.ecr.us-east-1.amazonaws.com/tenantctl-dev-app-abc1234`,
    imageUri: `${ACCOUNT.accountId}.dkr.ecr.us-east-1.amazonaws.com/tenantctl-dev-app-abc1234@sha256:${"b".repeat(64)}`,
    taskRunnerFunctionName: "tenantctl-dev-task-runner",
    bootstrapExecutionRoleArn: `arn:aws:iam::${ACCOUNT.accountId}:role/tenantctl/dev/bootstrap/tenantctl-dev-task-runner-boot-exec-abc1234`,
    ...overrides,
  };
}

export function tenantSpec(overrides: Partial<TenantSpecInput> = {}): TenantSpec {
  return parseTenantSpec({
    slug: "acme",
    displayName: `ACME "Zoë" & Co ☕`,
    env: "dev",
    tier: "standard",
    skin: { primaryColor: "#1a73e8", logoUrl: "https://cdn.example.com/acme.png" },
    image: `${ACCOUNT.accountId}.dkr.ecr.us-east-1.amazonaws.com/tenantctl-app:v1`,
    owner: "ops@acme.example",
    listenerPriority: 42,
    ...overrides,
  });
}

export function previewSpec(overrides: Partial<TenantSpecInput> = {}): TenantSpec {
  return tenantSpec({
    slug: "feature-login-1a2b3c",
    tier: "preview",
    preview: { branch: "feature/login", expiresAt: "2026-12-01T00:00:00Z" },
    ...overrides,
  });
}
