// How traffic reaches a tenant: the shared ALB's HTTPS listener → a host-header rule → this tenant's target group →
// its tasks, whose security group admits only the ALB on the container port.
import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { CONTAINER_PORT } from "../naming";
import type { TenantContext } from "./context";

/**
 * Readiness, not liveness: /readyz answers 200 only when the task's database answers and is fully migrated (within
 * the app's own 2 s limit), so a task that lost its database leaves rotation instead of serving 5xx. /healthz
 * (process alive) stays for container-level checks.
 */
export const HEALTH_CHECK_PATH = "/readyz";
/**
 * 15 s interval, 5 s timeout (above the app's 2 s readiness limit, so a slow database gives a clean 503, not a
 * timeout), in after 2 successes (30 s), out after 3 failures (45 s). If every target of a group is unhealthy ALB
 * fails open and routes to all of them, so a database outage does not turn into a 503 from the balancer itself.
 */
export const HEALTH_CHECK = {
  interval: 15,
  timeout: 5,
  healthyThreshold: 2,
  unhealthyThreshold: 3,
  matcher: "200",
} as const;
/** Seconds ALB waits for in-flight requests before a target leaves; AWS's default of 300 stalls every deploy. */
export const DEREGISTRATION_DELAY = { tenant: 30, preview: 5 } as const;

export interface TenantRoutingArgs {
  readonly context: TenantContext;
}

export class TenantRouting extends pulumi.ComponentResource {
  readonly targetGroupArn: pulumi.Output<string>;
  readonly serviceSecurityGroupId: pulumi.Output<string>;
  readonly listenerRule: aws.lb.ListenerRule;

  constructor(name: string, args: TenantRoutingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tenantctl:tenant:TenantRouting", name, {}, opts);
    const ctx = args.context;
    const serviceSecurityGroup = this.createServiceSecurityGroup(ctx);
    const targetGroup = this.createTargetGroup(ctx);
    this.listenerRule = new aws.lb.ListenerRule(
      ctx.names.listenerRule,
      {
        listenerArn: ctx.loadBalancer.httpsListenerArn,
        priority: ctx.spec.listenerPriority,
        conditions: [{ hostHeader: { values: [ctx.host] } }],
        actions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
        tags: ctx.tags,
      },
      { parent: this },
    );

    this.createDnsRecord(ctx);

    this.targetGroupArn = targetGroup.arn;
    this.serviceSecurityGroupId = serviceSecurityGroup.id;
    this.registerOutputs({ targetGroupArn: this.targetGroupArn, serviceSecurityGroupId: this.serviceSecurityGroupId });
  }

  /** With several ALBs a wildcard record cannot serve everyone, so each tenant points its own name at its ALB. */
  private createDnsRecord(ctx: TenantContext): void {
    // A slot is not reachable by name; the claim creates its record together with the rule's real host.
    if (ctx.shared.hostedZoneId === undefined || ctx.isSlot) return;
    new aws.route53.Record(
      ctx.names.dnsRecord,
      {
        zoneId: ctx.shared.hostedZoneId,
        name: ctx.host,
        type: "A",
        aliases: [{ name: ctx.loadBalancer.dnsName, zoneId: ctx.loadBalancer.zoneId, evaluateTargetHealth: true }],
      },
      { parent: this },
    );
  }

  private createTargetGroup(ctx: TenantContext): aws.lb.TargetGroup {
    return new aws.lb.TargetGroup(
      ctx.names.targetGroup,
      {
        vpcId: ctx.shared.vpcId,
        targetType: "ip",
        protocol: "HTTP",
        port: CONTAINER_PORT,
        deregistrationDelay: ctx.isPreview ? DEREGISTRATION_DELAY.preview : DEREGISTRATION_DELAY.tenant,
        healthCheck: {
          enabled: true,
          path: HEALTH_CHECK_PATH,
          protocol: "HTTP",
          ...HEALTH_CHECK,
        },
        tags: ctx.tags,
      },
      { parent: this },
    );
  }

  private createServiceSecurityGroup(ctx: TenantContext): aws.ec2.SecurityGroup {
    const { names, tags } = ctx;
    const group = new aws.ec2.SecurityGroup(
      names.serviceSecurityGroup,
      { vpcId: ctx.shared.vpcId, description: `tenantctl service of ${ctx.names.component}`, tags },
      { parent: this },
    );
    new aws.vpc.SecurityGroupIngressRule(
      names.serviceIngressRule,
      {
        securityGroupId: group.id,
        description: "App port from the shared load balancer only",
        ipProtocol: "tcp",
        fromPort: CONTAINER_PORT,
        toPort: CONTAINER_PORT,
        referencedSecurityGroupId: ctx.loadBalancer.securityGroupId,
        tags,
      },
      { parent: this },
    );
    // HTTPS out (through the NAT) for ECR, Secrets Manager and CloudWatch; the path to Postgres is opened by
    // TenantDatabase. DNS to the VPC resolver is never filtered by security groups.
    new aws.vpc.SecurityGroupEgressRule(
      names.serviceHttpsEgressRule,
      {
        securityGroupId: group.id,
        description: "HTTPS to AWS APIs and the image registry",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: "0.0.0.0/0",
        tags,
      },
      { parent: this },
    );
    return group;
  }
}
