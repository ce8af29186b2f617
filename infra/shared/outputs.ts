// What the shared stack hands every tenant stack: plain values, read by the orchestration from the shared stack's
// outputs and passed into the tenant program (no StackReference), so synth and tests can supply them directly.
import { z } from "zod";
import { SharedConfigError } from "../errors";

export interface LoadBalancerOutputs {
  /** `alb-0`, `alb-1`, …; a tenant spec's `loadBalancer` names one of these. */
  readonly id: string;
  readonly arn: string;
  readonly dnsName: string;
  /** The ALB's canonical hosted zone, for Route 53 alias records. */
  readonly zoneId: string;
  readonly securityGroupId: string;
  readonly httpsListenerArn: string;
}

export interface SharedOutputs {
  readonly env: string;
  readonly region: string;
  readonly accountId: string;
  readonly baseDomain: string;
  /** Route 53 zone of baseDomain when the shared stack manages DNS; absent when DNS is managed elsewhere. */
  readonly hostedZoneId?: string;
  /** ISSUED (the HTTPS listeners only get it then). */
  readonly certificateArn: string;
  /** The CNAMEs ACM validates the requested certificate with (empty for a given certificateArn). */
  readonly certificateValidationRecords?: readonly {
    readonly domainName: string;
    readonly name: string;
    readonly type: string;
    readonly value: string;
  }[];
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly privateSubnetIds: readonly string[];
  readonly publicSubnetIds: readonly string[];
  readonly clusterArn: string;
  readonly clusterName: string;
  /** At least one; tenants are spread over several because an ALB holds at most 100 target groups. */
  readonly loadBalancers: readonly LoadBalancerOutputs[];
  readonly logGroupName: string;
  readonly dbSubnetGroupName: string;
  readonly ecrRepositoryUrl: string;
  /** The app image every new tenant starts from (by digest when built here). */
  readonly imageUri: string;
  /** The "run task and wait" Lambda tenant stacks invoke to run their bootstrap task (infra/shared/task-runner.ts). */
  readonly taskRunnerFunctionName: string;
  /** Execution role (image pull, logs) of every tenant's bootstrap task; under the bootstrap IAM path. */
  readonly bootstrapExecutionRoleArn: string;
}

const nonEmpty = z.string().min(1);

const LoadBalancerOutputsSchema = z.object({
  id: nonEmpty,
  arn: nonEmpty,
  dnsName: nonEmpty,
  zoneId: nonEmpty,
  securityGroupId: nonEmpty,
  httpsListenerArn: nonEmpty,
});

export const SharedOutputsSchema = z.object({
  env: nonEmpty,
  region: nonEmpty,
  accountId: z.string().regex(/^\d{12}$/),
  baseDomain: nonEmpty,
  hostedZoneId: nonEmpty.optional(),
  certificateArn: nonEmpty,
  certificateValidationRecords: z
    .array(z.object({ domainName: nonEmpty, name: nonEmpty, type: nonEmpty, value: nonEmpty }))
    .optional(),
  vpcId: nonEmpty,
  vpcCidr: nonEmpty,
  privateSubnetIds: z.array(nonEmpty).min(2),
  publicSubnetIds: z.array(nonEmpty).min(2),
  clusterArn: nonEmpty,
  clusterName: nonEmpty,
  loadBalancers: z.array(LoadBalancerOutputsSchema).min(1),
  logGroupName: nonEmpty,
  dbSubnetGroupName: nonEmpty,
  ecrRepositoryUrl: nonEmpty,
  imageUri: nonEmpty,
  taskRunnerFunctionName: nonEmpty,
  bootstrapExecutionRoleArn: nonEmpty,
}) satisfies z.ZodType<SharedOutputs>;

export const SHARED_OUTPUT_KEYS = Object.keys(SharedOutputsSchema.shape) as readonly (keyof SharedOutputs)[];

/** Checks a shared stack's outputs (as read from the backend) before a tenant program relies on them. */
export function parseSharedOutputs(input: unknown): SharedOutputs {
  const result = SharedOutputsSchema.safeParse(input);
  if (result.success) return result.data;
  throw new SharedConfigError(
    result.error.issues.map((i) => `shared output ${i.path.join(".") || "(root)"}: ${i.message}`),
  );
}
