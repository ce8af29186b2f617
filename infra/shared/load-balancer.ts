// One shared Application Load Balancer: public, HTTPS only in effect (80 redirects), TLS 1.2+, unknown hosts get 404.
// Tenants add their own listener rules to its HTTPS listener.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CONTAINER_PORT } from "../naming";
import type { LoadBalancerOutputs } from "./outputs";

/** TLS 1.3 and 1.2 only, forward-secret ciphers. */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

export interface SharedLoadBalancerArgs {
  readonly id: string;
  readonly vpcId: pulumi.Input<string>;
  readonly vpcCidr: string;
  readonly publicSubnetIds: pulumi.Input<string[]>;
  readonly certificateArn: pulumi.Input<string>;
  readonly deletionProtection: boolean;
  readonly tags: Readonly<Record<string, string>>;
}

export class SharedLoadBalancer extends pulumi.ComponentResource {
  readonly outputs: pulumi.Output<LoadBalancerOutputs>;

  constructor(name: string, args: SharedLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tenantctl:shared:SharedLoadBalancer", name, {}, opts);
    const { tags } = args;
    const securityGroup = this.createSecurityGroup(name, args);
    const alb = new aws.lb.LoadBalancer(
      name,
      {
        loadBalancerType: "application",
        internal: false,
        subnets: args.publicSubnetIds,
        securityGroups: [securityGroup.id],
        dropInvalidHeaderFields: true,
        enableDeletionProtection: args.deletionProtection,
        enableHttp2: true,
        idleTimeout: 60,
        tags,
      },
      { parent: this },
    );
    const https = new aws.lb.Listener(
      `${name}-https`,
      {
        loadBalancerArn: alb.arn,
        port: 443,
        protocol: "HTTPS",
        sslPolicy: TLS_POLICY,
        certificateArn: args.certificateArn,
        defaultActions: [
          {
            type: "fixed-response",
            fixedResponse: { statusCode: "404", contentType: "text/plain", messageBody: "Not found" },
          },
        ],
        tags,
      },
      { parent: this },
    );
    new aws.lb.Listener(
      `${name}-http`,
      {
        loadBalancerArn: alb.arn,
        port: 80,
        protocol: "HTTP",
        defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
        tags,
      },
      { parent: this },
    );

    this.outputs = pulumi
      .all([alb.arn, alb.dnsName, alb.zoneId, securityGroup.id, https.arn])
      .apply(([arn, dnsName, zoneId, securityGroupId, httpsListenerArn]) => ({
        id: args.id,
        arn,
        dnsName,
        zoneId,
        securityGroupId,
        httpsListenerArn,
      }));
    this.registerOutputs({ outputs: this.outputs });
  }

  /** Open to the internet on 80/443; out only to the tasks' port inside the VPC. */
  private createSecurityGroup(name: string, args: SharedLoadBalancerArgs): aws.ec2.SecurityGroup {
    const { tags } = args;
    const group = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      { vpcId: args.vpcId, description: `tenantctl shared load balancer ${args.id}`, tags },
      { parent: this },
    );
    // The ALB is IPv4-only (the provider's default address type), so there are no IPv6 rules.
    for (const [suffix, port] of [
      ["https", 443],
      ["http", 80],
    ] as const) {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-sg-${suffix}`,
        { securityGroupId: group.id, ipProtocol: "tcp", fromPort: port, toPort: port, cidrIpv4: "0.0.0.0/0", tags },
        { parent: this },
      );
    }
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-sg-to-tasks`,
      {
        securityGroupId: group.id,
        description: "To tenant tasks on the app port",
        ipProtocol: "tcp",
        fromPort: CONTAINER_PORT,
        toPort: CONTAINER_PORT,
        cidrIpv4: args.vpcCidr,
        tags,
      },
      { parent: this },
    );
    return group;
  }
}
