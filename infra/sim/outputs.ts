import {
  albZoneId,
  arn,
  awsManagedKmsKeyArn,
  createDate,
  ec2Id,
  hexFrom,
  iamUniqueId,
  lastSegment,
  rdsManagedSecretArn,
  secretArn,
  uuidFrom,
} from "./arns";
import { defaultSeed, nameField, physicalName } from "./names";
import { simulateAwsxOutputs } from "./outputs-awsx";
import { asArray, asNumber, asRecord, asString, canonicalType, type Props, type SimContext } from "./types";

export interface SimulatedResource {
  readonly id: string;
  readonly outputs: Record<string, unknown>;
}

export interface SimulateOptions {
  /** Defaults to `defaultSeed(ctx.project, ctx.stack, type, logicalName)`; pass the same seed as to `physicalName`. */
  readonly seed?: string;
  /** The provider's `defaultTags`, merged into `tagsAll` the way the provider does. */
  readonly defaultTags?: Readonly<Record<string, string>>;
}

type Computed = (ctx: SimContext, name: string, inputs: Props, seed: string) => SimulatedResource;

const DEFAULT_PORTS: Readonly<Record<string, number>> = { postgres: 5432, mysql: 3306, mariadb: 3306 };

function rdsInstance(ctx: SimContext, name: string, inputs: Props, seed: string): SimulatedResource {
  const port = asNumber(inputs["port"]) ?? DEFAULT_PORTS[asString(inputs["engine"]) ?? ""] ?? 5432;
  const address = `${name}.c${hexFrom(`${ctx.accountId}/${ctx.region}`, 11)}.${ctx.region}.rds.amazonaws.com`;
  const managed = inputs["manageMasterUserPassword"] === true;
  const kmsKeyId = asString(inputs["masterUserSecretKmsKeyId"]) ?? awsManagedKmsKeyArn(ctx, "aws/secretsmanager");
  return {
    id: `db-${hexFrom(`${seed}/resource-id`, 26).toUpperCase()}`,
    outputs: {
      arn: arn("rds", ctx, `db:${name}`),
      resourceId: `db-${hexFrom(`${seed}/resource-id`, 26).toUpperCase()}`,
      address,
      endpoint: `${address}:${port}`,
      port,
      hostedZoneId: "Z2R2ITUGPM61AM",
      status: "available",
      kmsKeyId:
        inputs["storageEncrypted"] === true
          ? (asString(inputs["kmsKeyId"]) ?? awsManagedKmsKeyArn(ctx, "aws/rds"))
          : "",
      masterUserSecrets: managed
        ? [{ secretArn: rdsManagedSecretArn(ctx, seed), kmsKeyId, secretStatus: "active" }]
        : [],
    },
  };
}

function loadBalancer(ctx: SimContext, name: string, inputs: Props, seed: string): SimulatedResource {
  const kind = asString(inputs["loadBalancerType"]) === "network" ? "net" : "app";
  const suffix = `${kind}/${name}/${hexFrom(seed, 16)}`;
  const internal = inputs["internal"] === true ? "internal-" : "";
  const lbArn = arn("elasticloadbalancing", ctx, `loadbalancer/${suffix}`);
  const digits = BigInt(`0x${hexFrom(`${seed}/dns`, 10)}`)
    .toString()
    .slice(0, 10);
  return {
    id: lbArn,
    outputs: {
      arn: lbArn,
      arnSuffix: suffix,
      dnsName: `${internal}${name}-${digits}.${ctx.region}.elb.amazonaws.com`,
      zoneId: albZoneId(ctx.region),
    },
  };
}

/** Listener and rule ARNs nest under their load balancer's and listener's ARN, as ELBv2 prints them. */
function childOfElb(parentArn: string | undefined, from: string, to: string, ctx: SimContext, seed: string): string {
  const base = parentArn ?? arn("elasticloadbalancing", ctx, `${from}/app/unknown/${hexFrom(`${seed}/parent`, 16)}`);
  return `${base.replace(`:${from}/`, `:${to}/`)}/${hexFrom(seed, 16)}`;
}

const COMPUTED: Readonly<Record<string, Computed>> = {
  "aws:rds/instance:Instance": rdsInstance,
  "aws:rds/subnetGroup:SubnetGroup": (ctx, name) => ({ id: name, outputs: { arn: arn("rds", ctx, `subgrp:${name}`) } }),
  "aws:lb/loadBalancer:LoadBalancer": loadBalancer,
  "aws:lb/targetGroup:TargetGroup": (ctx, name, _inputs, seed) => {
    const suffix = `targetgroup/${name}/${hexFrom(seed, 16)}`;
    const tgArn = arn("elasticloadbalancing", ctx, suffix);
    return { id: tgArn, outputs: { arn: tgArn, arnSuffix: suffix } };
  },
  "aws:lb/listener:Listener": (ctx, _name, inputs, seed) => {
    const a = childOfElb(asString(inputs["loadBalancerArn"]), "loadbalancer", "listener", ctx, seed);
    return { id: a, outputs: { arn: a } };
  },
  "aws:lb/listenerRule:ListenerRule": (ctx, _name, inputs, seed) => {
    const a = childOfElb(asString(inputs["listenerArn"]), "listener", "listener-rule", ctx, seed);
    return { id: a, outputs: { arn: a } };
  },
  "aws:ec2/securityGroup:SecurityGroup": (ctx, _name, _inputs, seed) => {
    const id = ec2Id("sg", seed);
    return { id, outputs: { arn: arn("ec2", ctx, `security-group/${id}`), ownerId: ctx.accountId } };
  },
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": (ctx, _n, _i, seed) => securityGroupRule(ctx, seed),
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": (ctx, _n, _i, seed) => securityGroupRule(ctx, seed),
  "aws:ec2/securityGroupRule:SecurityGroupRule": (_ctx, _n, _i, seed) => ({
    id: `sgrule-${BigInt(`0x${hexFrom(seed, 8)}`)}`,
    outputs: {},
  }),
  "aws:iam/role:Role": (ctx, name, inputs, seed) => ({
    id: name,
    outputs: {
      arn: arn("iam", ctx, `role${asString(inputs["path"]) ?? "/"}${name}`, { global: true }),
      uniqueId: iamUniqueId("AROA", seed),
      createDate: createDate(seed),
    },
  }),
  "aws:iam/policy:Policy": (ctx, name, inputs, seed) => {
    const a = arn("iam", ctx, `policy${asString(inputs["path"]) ?? "/"}${name}`, { global: true });
    return { id: a, outputs: { arn: a, policyId: iamUniqueId("ANPA", seed), attachmentCount: 0 } };
  },
  "aws:iam/rolePolicy:RolePolicy": (_ctx, name, inputs) => ({
    id: `${asString(inputs["role"]) ?? ""}:${name}`,
    outputs: {},
  }),
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (_ctx, _name, inputs, seed) => ({
    id: `${asString(inputs["role"]) ?? ""}-${hexFrom(seed, 26)}`,
    outputs: {},
  }),
  "aws:secretsmanager/secret:Secret": (ctx, name, _inputs, seed) => {
    const a = secretArn(ctx, name, seed);
    return { id: a, outputs: { arn: a } };
  },
  "aws:secretsmanager/secretVersion:SecretVersion": (_ctx, _name, inputs, seed) => {
    const versionId = uuidFrom(seed);
    return {
      id: `${asString(inputs["secretId"]) ?? ""}|${versionId}`,
      outputs: { arn: asString(inputs["secretId"]) ?? "", versionId, versionStages: ["AWSCURRENT"] },
    };
  },
  "aws:cloudwatch/logGroup:LogGroup": (ctx, name) => ({
    id: name,
    outputs: { arn: arn("logs", ctx, `log-group:${name}`) },
  }),
  "aws:ecr/repository:Repository": (ctx, name) => ({
    id: name,
    outputs: {
      arn: arn("ecr", ctx, `repository/${name}`),
      registryId: ctx.accountId,
      repositoryUrl: `${ctx.accountId}.dkr.ecr.${ctx.region}.amazonaws.com/${name}`,
    },
  }),
  "aws:ecs/cluster:Cluster": (ctx, name) => {
    const a = arn("ecs", ctx, `cluster/${name}`);
    return { id: a, outputs: { arn: a } };
  },
  "aws:ecs/service:Service": (ctx, name, inputs) => {
    const cluster = lastSegment(asString(inputs["cluster"]) ?? "default");
    const a = arn("ecs", ctx, `service/${cluster}/${name}`);
    return { id: a, outputs: { arn: a, cluster: asString(inputs["cluster"]) ?? arn("ecs", ctx, "cluster/default") } };
  },
  "aws:ecs/taskDefinition:TaskDefinition": (ctx, family) => ({
    id: family,
    outputs: {
      arn: arn("ecs", ctx, `task-definition/${family}:1`),
      arnWithoutRevision: arn("ecs", ctx, `task-definition/${family}`),
      revision: 1,
    },
  }),
  "aws:lambda/function:Function": (ctx, name, inputs, seed) => {
    const a = arn("lambda", ctx, `function:${name}`);
    return {
      id: name,
      outputs: {
        arn: a,
        qualifiedArn: `${a}:$LATEST`,
        invokeArn: `arn:aws:apigateway:${ctx.region}:lambda:path/2015-03-31/functions/${a}/invocations`,
        version: "$LATEST",
        lastModified: createDate(seed),
        sourceCodeHash: hexFrom(`${seed}/code`, 44),
        timeout: asNumber(inputs["timeout"]) ?? 3,
      },
    };
  },
  // The Invocation's id is `<function>_<qualifier>_<md5 of input>`; `result` is the function's answer (the task runner's).
  "aws:lambda/invocation:Invocation": (_ctx, _name, inputs, seed) => ({
    id: `${asString(inputs["functionName"]) ?? ""}_$LATEST_${hexFrom(`${seed}/${asString(inputs["input"]) ?? ""}`, 32)}`,
    outputs: { result: JSON.stringify({ exitCode: 0 }) },
  }),
  "aws:acm/certificate:Certificate": acmCertificate,
  "aws:acm/certificateValidation:CertificateValidation": (_ctx, _name, inputs) => ({
    id: asString(inputs["certificateArn"]) ?? "",
    outputs: {},
  }),
  "aws:route53/record:Record": (_ctx, _name, inputs) => ({
    id: `${asString(inputs["zoneId"]) ?? ""}_${asString(inputs["name"]) ?? ""}_${asString(inputs["type"]) ?? ""}`,
    outputs: { fqdn: asString(inputs["name"]) ?? "" },
  }),
  "aws:ec2/vpc:Vpc": (ctx, _name, _inputs, seed) => {
    const id = ec2Id("vpc", seed);
    return { id, outputs: { arn: arn("ec2", ctx, `vpc/${id}`), ownerId: ctx.accountId } };
  },
  "aws:ec2/subnet:Subnet": (ctx, _name, _inputs, seed) => {
    const id = ec2Id("subnet", seed);
    return { id, outputs: { arn: arn("ec2", ctx, `subnet/${id}`), ownerId: ctx.accountId } };
  },
};

function securityGroupRule(ctx: SimContext, seed: string): SimulatedResource {
  const id = ec2Id("sgr", seed);
  return { id, outputs: { arn: arn("ec2", ctx, `security-group-rule/${id}`), securityGroupRuleId: id } };
}

function acmCertificate(ctx: SimContext, _name: string, inputs: Props, seed: string): SimulatedResource {
  const a = arn("acm", ctx, `certificate/${uuidFrom(seed)}`);
  const domains = [asString(inputs["domainName"]), ...asArray(inputs["subjectAlternativeNames"]).map(asString)];
  const options = [...new Set(domains.filter((d): d is string => d !== undefined))].map((domainName) => {
    const base = domainName.replace(/^\*\./, "");
    return {
      domainName,
      resourceRecordName: `_${hexFrom(`${seed}/${base}`, 32)}.${base}.`,
      resourceRecordType: "CNAME",
      resourceRecordValue: `_${hexFrom(`${seed}/${base}/v`, 32)}.acm-validations.aws.`,
    };
  });
  // ACM issues a DNS-validated certificate only once its validation records resolve (behaviour.ts, the stand-in).
  return { id: a, outputs: { arn: a, domainValidationOptions: options, status: "PENDING_VALIDATION" } };
}

/** A type the model has no shape for still gets an ARN in its service's namespace, so references resolve. */
function generic(type: string, ctx: SimContext, name: string, seed: string): SimulatedResource {
  const [, mod = "unknown", resource = "resource"] = /^[^:]+:([^/]+)\/([^:]+):/.exec(type) ?? [];
  const id = `${name}-${hexFrom(seed, 8)}`;
  return { id, outputs: { arn: arn(mod, ctx, `${resource}/${id}`) } };
}

/** Write-only arguments (`…Wo`, Terraform's `_wo`) go to AWS but the provider never returns or stores them. */
function withoutWriteOnly(inputs: Props): Record<string, unknown> {
  return Object.fromEntries(Object.entries(inputs).filter(([key]) => !/Wo$/.test(key)));
}

/** `{ id, outputs }` as the provider would return after create: the inputs echoed plus AWS's computed fields. */
export function simulateOutputs(
  type: string,
  logicalName: string,
  inputs: Props,
  ctx: SimContext,
  options?: SimulateOptions,
): SimulatedResource {
  const t = canonicalType(type);
  const seed = options?.seed ?? defaultSeed(ctx.project, ctx.stack, t, logicalName);
  if (t.startsWith("awsx:")) return simulateAwsxOutputs(t, logicalName, inputs, ctx, seed);
  if (t.startsWith("pulumi:providers:")) return { id: uuidFrom(seed), outputs: { ...inputs } };
  const name = physicalName(t, logicalName, inputs, seed) ?? logicalName;
  const computed = COMPUTED[t] ?? ((c: SimContext, n: string, _i: Props, s: string) => generic(t, c, n, s));
  const result = computed(ctx, name, inputs, seed);
  const outputs: Record<string, unknown> = { ...withoutWriteOnly(inputs), ...result.outputs };
  const field = nameField(t);
  if (field !== undefined) outputs[field] = name;
  if ("tags" in inputs || options?.defaultTags !== undefined) {
    outputs["tagsAll"] = { ...(options?.defaultTags ?? {}), ...asRecord(inputs["tags"]) };
  }
  return { id: result.id, outputs };
}
