import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CONTAINER_PORT, DB_PORT, tenantHost, tenantNames } from "../../infra/naming";
import { slotHost } from "../../infra/tenant/context";
import type { SharedOutputs } from "../../infra/shared/outputs";
import type { SynthResource, SynthResult } from "../../infra/sim/synth";
import type { TenantSpec } from "../../infra/spec";
import { TIERS } from "../../infra/tiers";

export interface TenantRun {
  readonly spec: TenantSpec;
  readonly shared: SharedOutputs;
  readonly result: SynthResult;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const parse = (v: unknown): unknown => (typeof v === "string" ? (JSON.parse(v) as unknown) : v);

export function ofType(run: TenantRun, type: string): SynthResource[] {
  return run.result.resources.filter((r) => r.type === type);
}

/** One line per broken invariant: where (stack, type, name) and what, so a failing test prints a to-do list. */
export class Problems {
  readonly list: string[] = [];
  constructor(private readonly stack: string) {}
  expect(ok: boolean, r: SynthResource | undefined, what: string): void {
    if (!ok) this.list.push(`${this.stack} ${r?.type ?? "(stack)"} ${r?.name ?? ""}: ${what}`);
  }
}

/** This tenant's secret ARNs: the app secret(s) it creates and the RDS-managed master secret. */
export function tenantSecretArns(run: TenantRun): Set<string> {
  const arns = ofType(run, "aws:secretsmanager/secret:Secret").map((s) => String(s.outputs["arn"]));
  for (const db of ofType(run, "aws:rds/instance:Instance")) {
    for (const m of arr(db.outputs["masterUserSecrets"])) arns.push(String(obj(m)["secretArn"]));
  }
  return new Set(arns);
}

export function checkDatabase(run: TenantRun, p: Problems): void {
  const preview = run.spec.preview !== undefined;
  const dbs = ofType(run, "aws:rds/instance:Instance");
  p.expect(dbs.length === 1, undefined, `expected exactly one RDS instance, found ${dbs.length}`);
  for (const db of dbs) {
    const i = db.inputs;
    p.expect(i["storageEncrypted"] === true, db, "storageEncrypted must be true");
    p.expect(i["publiclyAccessible"] !== true, db, "publiclyAccessible must not be true");
    p.expect(i["manageMasterUserPassword"] === true, db, "manageMasterUserPassword must be true");
    p.expect(i["password"] === undefined && i["passwordWo"] === undefined, db, "no master password may be set");
    p.expect(i["copyTagsToSnapshot"] === true, db, "copyTagsToSnapshot must be true");
    p.expect(
      i["dbSubnetGroupName"] === run.shared.dbSubnetGroupName,
      db,
      `dbSubnetGroupName must be the shared ${run.shared.dbSubnetGroupName}`,
    );
    if (preview) {
      p.expect(i["deletionProtection"] !== true, db, "a preview database must not be deletion-protected");
      p.expect(!db.protect, db, "a preview database must not be Pulumi-protected");
      p.expect(
        i["skipFinalSnapshot"] === true && i["finalSnapshotIdentifier"] === undefined,
        db,
        "a preview takes no final snapshot",
      );
    } else {
      p.expect(i["deletionProtection"] === true, db, "deletionProtection must be true for a tenant");
      p.expect(db.protect, db, "a tenant database must have Pulumi protect");
      p.expect(i["skipFinalSnapshot"] !== true, db, "skipFinalSnapshot must not be true for a tenant");
      p.expect(
        i["finalSnapshotIdentifier"] === tenantNames(run.spec).finalSnapshotIdentifier,
        db,
        `finalSnapshotIdentifier ${String(i["finalSnapshotIdentifier"])} must be ${String(tenantNames(run.spec).finalSnapshotIdentifier)}`,
      );
      p.expect(
        Number(i["backupRetentionPeriod"]) >= 7,
        db,
        `backupRetentionPeriod ${String(i["backupRetentionPeriod"])} must be ≥7 days`,
      );
    }
    p.expect(
      i["backupRetentionPeriod"] === TIERS[run.spec.tier].backupRetentionDays,
      db,
      "backupRetentionPeriod must follow the tier table",
    );
  }
}

/** Ingress rules of one security group, whichever way the program expressed them. */
function ingressOf(
  run: TenantRun,
  sg: SynthResource,
): { rule: SynthResource; from: unknown; to: unknown; peer: unknown; cidr: unknown }[] {
  const id = sg.id;
  const standalone = run.result.resources
    .filter(
      (r) =>
        (r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" ||
          (r.type === "aws:ec2/securityGroupRule:SecurityGroupRule" && r.inputs["type"] === "ingress")) &&
        r.inputs["securityGroupId"] === id,
    )
    .map((r) => ({
      rule: r,
      from: r.inputs["fromPort"],
      to: r.inputs["toPort"],
      peer: r.inputs["referencedSecurityGroupId"] ?? r.inputs["sourceSecurityGroupId"],
      cidr: r.inputs["cidrIpv4"] ?? r.inputs["cidrBlocks"] ?? r.inputs["cidrIpv6"] ?? r.inputs["prefixListId"],
    }));
  const inline = arr(sg.inputs["ingress"])
    .map(obj)
    .map((r) => ({
      rule: sg,
      from: r["fromPort"],
      to: r["toPort"],
      peer: arr(r["securityGroups"])[0],
      cidr: r["cidrBlocks"] ?? r["ipv6CidrBlocks"],
    }));
  return [...standalone, ...inline];
}

export function checkNetwork(run: TenantRun, p: Problems): void {
  const names = tenantNames(run.spec);
  const sgs = ofType(run, "aws:ec2/securityGroup:SecurityGroup");
  const dbSg = sgs.find((s) => s.name === names.dbSecurityGroup);
  const svcSg = sgs.find((s) => s.name === names.serviceSecurityGroup);
  p.expect(dbSg !== undefined && svcSg !== undefined, undefined, "the DB and service security groups must exist");
  if (dbSg === undefined || svcSg === undefined) return;
  const db = ofType(run, "aws:rds/instance:Instance")[0];
  p.expect(
    JSON.stringify(db?.inputs["vpcSecurityGroupIds"]) === JSON.stringify([dbSg.id]),
    db,
    "the database must use only its own security group",
  );
  const dbIngress = ingressOf(run, dbSg);
  p.expect(dbIngress.length >= 1, dbSg, "the DB security group needs its one ingress rule from the service");
  for (const r of dbIngress) {
    p.expect(
      r.from === DB_PORT && r.to === DB_PORT,
      r.rule,
      `DB ingress must be port ${DB_PORT} only (got ${String(r.from)}-${String(r.to)})`,
    );
    p.expect(
      r.peer === svcSg.id && r.cidr === undefined,
      r.rule,
      `DB ingress must come only from this tenant's service SG ${String(svcSg.id)} (got ${String(r.peer ?? r.cidr)})`,
    );
  }
  const lb = run.shared.loadBalancers.find((l) => l.id === run.spec.loadBalancer);
  const svcIngress = ingressOf(run, svcSg);
  p.expect(svcIngress.length >= 1, svcSg, "the service security group needs its ingress rule from the ALB");
  for (const r of svcIngress) {
    p.expect(
      r.peer === lb?.securityGroupId && r.cidr === undefined,
      r.rule,
      `service ingress must come only from the ALB SG ${String(lb?.securityGroupId)} (got ${String(r.peer ?? r.cidr)})`,
    );
    p.expect(
      r.from === CONTAINER_PORT && r.to === CONTAINER_PORT,
      r.rule,
      `service ingress must be the container port ${CONTAINER_PORT} only`,
    );
  }
  for (const svc of ofType(run, "aws:ecs/service:Service")) {
    const net = obj(svc.inputs["networkConfiguration"]);
    p.expect(net["assignPublicIp"] !== true, svc, "the service must not assign public IPs");
    const subnets = arr(net["subnets"]);
    p.expect(
      subnets.length > 0 && subnets.every((s) => run.shared.privateSubnetIds.includes(String(s))),
      svc,
      `the service must run only in the shared private subnets (got ${JSON.stringify(subnets)})`,
    );
    p.expect(
      JSON.stringify(net["securityGroups"]) === JSON.stringify([svcSg.id]),
      svc,
      "the service must use only its own security group",
    );
    const breaker = obj(svc.inputs["deploymentCircuitBreaker"]);
    p.expect(
      breaker["enable"] === true && breaker["rollback"] === true,
      svc,
      "the deployment circuit breaker with rollback must be on",
    );
    p.expect(svc.inputs["launchType"] === "FARGATE", svc, "the service must run on Fargate");
  }
}

export function checkRouting(run: TenantRun, p: Problems): void {
  const lb = run.shared.loadBalancers.find((l) => l.id === run.spec.loadBalancer);
  const tgs = ofType(run, "aws:lb/targetGroup:TargetGroup");
  const rules = ofType(run, "aws:lb/listenerRule:ListenerRule");
  p.expect(
    tgs.length === 1 && rules.length === 1,
    undefined,
    `expected one target group and one listener rule, found ${tgs.length} and ${rules.length}`,
  );
  for (const tg of tgs) {
    p.expect(
      tg.inputs["targetType"] === "ip" &&
        tg.inputs["port"] === CONTAINER_PORT &&
        tg.inputs["vpcId"] === run.shared.vpcId,
      tg,
      "the target group must be type ip on the container port in the shared VPC",
    );
  }
  // An unassigned pool slot's rule matches only a host no DNS resolves (it is claimed by changing that host).
  const host = run.spec.slot === true ? slotHost(run.spec.slug) : tenantHost(run.spec, run.shared.baseDomain);
  for (const rule of rules) {
    p.expect(
      rule.inputs["listenerArn"] === lb?.httpsListenerArn,
      rule,
      `the rule must sit on the HTTPS listener of ${run.spec.loadBalancer}`,
    );
    p.expect(
      rule.inputs["priority"] === run.spec.listenerPriority,
      rule,
      `priority must be the spec's ${run.spec.listenerPriority} (got ${String(rule.inputs["priority"])})`,
    );
    const hosts = arr(rule.inputs["conditions"]).flatMap((c) => arr(obj(obj(c)["hostHeader"])["values"]));
    p.expect(
      JSON.stringify(hosts) === JSON.stringify([host]),
      rule,
      `host-header must be exactly ${host} (got ${JSON.stringify(hosts)})`,
    );
    const targets = arr(rule.inputs["actions"]).map((a) => obj(a)["targetGroupArn"]);
    p.expect(
      targets.length === 1 && targets[0] === tgs[0]?.outputs["arn"],
      rule,
      "the rule must forward only to this tenant's target group",
    );
  }
}

export function checkTags(run: TenantRun, p: Problems): void {
  const want: Record<string, string> = {
    tenant: run.spec.slug,
    env: run.spec.env,
    tier: run.spec.tier,
    "managed-by": "tenantctl",
  };
  for (const r of run.result.resources.filter((x) => x.custom && isTaggable(x.type))) {
    const tags = r.effectiveTags ?? {};
    for (const [k, v] of Object.entries(want))
      p.expect(tags[k] === v, r, `tag ${k} must be ${JSON.stringify(v)} (got ${JSON.stringify(tags[k])})`);
  }
}

const cache = new Map<string, boolean>();
const AWS_ROOT = join(__dirname, "..", "..", "node_modules", "@pulumi", "aws");

/**
 * Whether AWS lets this resource type carry tags, read from the provider's own type declarations (its `Args` interface
 * has `tags`), so the tag invariant covers every taggable type the programs use, including ones added later.
 */
export function isTaggable(type: string): boolean {
  const cached = cache.get(type);
  if (cached !== undefined) return cached;
  const m = /^aws:([^/]+)\/([^:]+):(\w+)$/.exec(type);
  let taggable = false;
  if (m !== null) {
    const [, mod = "", file = "", cls = ""] = m;
    const dts = readFileSync(join(AWS_ROOT, mod, `${file}.d.ts`), "utf8");
    const args = dts.slice(dts.indexOf(`export interface ${cls}Args {`));
    taggable = /\n\s{4}tags\?: pulumi\.Input/.test(args.slice(0, args.indexOf("\n}")));
  }
  cache.set(type, taggable);
  return taggable;
}

export { arr, obj, parse };
