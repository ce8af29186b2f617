// The shared network: an awsx VPC with public subnets for the ALBs and private subnets for tasks and databases,
// and the one DB subnet group every tenant database uses (a region allows only 50).
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import type { SharedConfig } from "./config";

export interface SharedNetworkArgs {
  readonly config: SharedConfig;
  readonly tags: Readonly<Record<string, string>>;
}

export class SharedNetwork extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly publicSubnetIds: pulumi.Output<string[]>;
  readonly privateSubnetIds: pulumi.Output<string[]>;
  readonly dbSubnetGroupName: pulumi.Output<string>;

  constructor(name: string, args: SharedNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tenantctl:shared:SharedNetwork", name, {}, opts);
    const { config, tags } = args;

    const vpc = new awsx.ec2.Vpc(
      `${name}-vpc`,
      {
        cidrBlock: config.vpcCidr,
        numberOfAvailabilityZones: config.azCount,
        enableDnsHostnames: true,
        enableDnsSupport: true,
        // One NAT is a single point of failure for every tenant's egress; production pays for one per AZ.
        natGateways: {
          strategy:
            config.natStrategy === "onePerAz"
              ? awsx.ec2.NatGatewayStrategy.OnePerAz
              : awsx.ec2.NatGatewayStrategy.Single,
        },
        subnetStrategy: awsx.ec2.SubnetAllocationStrategy.Auto,
        // Private subnets get the bigger share: every task takes one ENI, twice over during a deploy.
        subnetSpecs: [
          { type: awsx.ec2.SubnetType.Public, size: 256, tags },
          { type: awsx.ec2.SubnetType.Private, tags },
        ],
        tags,
      },
      { parent: this },
    );

    const dbSubnetGroup = new aws.rds.SubnetGroup(
      `${name}-db`,
      { description: "tenantctl tenant databases (private subnets)", subnetIds: vpc.privateSubnetIds, tags },
      { parent: this },
    );

    this.vpcId = vpc.vpcId;
    this.publicSubnetIds = vpc.publicSubnetIds;
    this.privateSubnetIds = vpc.privateSubnetIds;
    this.dbSubnetGroupName = dbSubnetGroup.name;
    this.registerOutputs({
      vpcId: this.vpcId,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
      dbSubnetGroupName: this.dbSubnetGroupName,
    });
  }
}
