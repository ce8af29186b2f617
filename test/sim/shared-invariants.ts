import { albDeletionProtection } from "../../infra/shared/config";
import type { SynthResource } from "../../infra/sim/synth";
import type { SharedStack } from "./shared-stack";
import { arr, isTaggable, obj, Problems } from "./tenant-invariants";

const TLS12_POLICY = /^ELBSecurityPolicy-(TLS13-1-2|TLS-1-2|FS-1-2)/;

/** The shared layer's secure defaults (docs/infra.md), checked on one synthesized shared stack. */
export function sharedProblems(stack: SharedStack): string[] {
  const { config, result, outputs } = stack;
  const p = new Problems(`shared/${config.env}`);
  const ofType = (type: string): SynthResource[] => result.resources.filter((r) => r.type === type);
  for (const v of result.violations)
    p.expect(false, undefined, `[${v.code}] ${v.type} ${v.name} ${v.rule}: ${v.message}`);
  for (const r of result.resources.filter((x) => x.custom && isTaggable(x.type))) {
    const tags = r.effectiveTags ?? {};
    p.expect(
      tags["env"] === config.env && tags["managed-by"] === "tenantctl",
      r,
      `tags env=${config.env} and managed-by=tenantctl are required (got ${JSON.stringify(tags)})`,
    );
  }
  const lbs = ofType("aws:lb/loadBalancer:LoadBalancer");
  p.expect(
    lbs.length === config.albCount,
    undefined,
    `expected ${config.albCount} load balancers, found ${lbs.length}`,
  );
  for (const lb of lbs) {
    p.expect(lb.inputs["dropInvalidHeaderFields"] === true, lb, "dropInvalidHeaderFields must be true");
    p.expect(
      lb.inputs["enableDeletionProtection"] === albDeletionProtection(config),
      lb,
      `deletion protection must be ${String(albDeletionProtection(config))} in ${config.env}`,
    );
    p.expect(
      lb.inputs["internal"] !== true &&
        arr(lb.inputs["subnets"]).every((s) => outputs.publicSubnetIds.includes(String(s))),
      lb,
      "the ALB must be internet-facing in the public subnets",
    );
    const listeners = ofType("aws:lb/listener:Listener").filter(
      (l) => l.inputs["loadBalancerArn"] === lb.outputs["arn"],
    );
    const https = listeners.find((l) => l.inputs["protocol"] === "HTTPS");
    const http = listeners.find((l) => l.inputs["protocol"] === "HTTP");
    p.expect(
      https !== undefined && TLS12_POLICY.test(String(https.inputs["sslPolicy"])),
      https ?? lb,
      `HTTPS listener with a TLS 1.2+ policy required (got ${String(https?.inputs["sslPolicy"])})`,
    );
    const fixed = obj(obj(arr(https?.inputs["defaultActions"])[0])["fixedResponse"]);
    p.expect(fixed["statusCode"] === "404", https ?? lb, "the HTTPS default action must answer 404");
    const redirect = obj(obj(arr(http?.inputs["defaultActions"])[0])["redirect"]);
    p.expect(
      http?.inputs["port"] === 80 &&
        redirect["protocol"] === "HTTPS" &&
        redirect["port"] === "443" &&
        redirect["statusCode"] === "HTTP_301",
      http ?? lb,
      "port 80 must redirect to HTTPS 443 with a 301",
    );
  }
  for (const lg of ofType("aws:cloudwatch/logGroup:LogGroup")) {
    p.expect(
      lg.inputs["retentionInDays"] === config.logRetentionDays,
      lg,
      `retention must be the configured ${config.logRetentionDays} days`,
    );
  }
  for (const repo of ofType("aws:ecr/repository:Repository")) {
    p.expect(
      obj(repo.inputs["imageScanningConfiguration"])["scanOnPush"] === true &&
        repo.inputs["imageTagMutability"] === "IMMUTABLE",
      repo,
      "ECR needs scan on push and immutable tags",
    );
  }
  for (const cluster of ofType("aws:ecs/cluster:Cluster")) {
    p.expect(
      arr(cluster.inputs["settings"]).some(
        (s) => obj(s)["name"] === "containerInsights" && obj(s)["value"] === "enabled",
      ),
      cluster,
      "Container Insights must be enabled",
    );
  }
  const vpc = ofType("awsx:ec2:Vpc")[0];
  p.expect(Number(vpc?.inputs["numberOfAvailabilityZones"]) >= 2, vpc, "the VPC needs at least two AZs");
  p.expect(
    obj(vpc?.inputs["natGateways"])["strategy"] === (config.natStrategy === "onePerAz" ? "OnePerAz" : "Single"),
    vpc,
    `NAT strategy must follow the config (${config.natStrategy})`,
  );
  for (const group of ofType("aws:rds/subnetGroup:SubnetGroup")) {
    p.expect(
      JSON.stringify(group.inputs["subnetIds"]) === JSON.stringify(outputs.privateSubnetIds),
      group,
      "the DB subnet group must span exactly the private subnets",
    );
  }
  p.expect(
    outputs.privateSubnetIds.length >= 2 && outputs.publicSubnetIds.length >= 2,
    undefined,
    "at least two private and two public subnets",
  );
  return p.list;
}
