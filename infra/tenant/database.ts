// The tenant's own RDS Postgres: private, encrypted, reachable only from this tenant's service security group.
import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { DB_NAME, DB_PORT, DB_USERNAME } from "../naming";
import type { TenantContext } from "./context";

export const POSTGRES_MAJOR_VERSION = "16";
/** RDS's current CA; the default on older accounts expired in 2024. */
export const RDS_CA = "rds-ca-rsa2048-g1";

export interface TenantDatabaseArgs {
  readonly context: TenantContext;
  /** The tenant service's security group: the only source allowed to reach port 5432. */
  readonly clientSecurityGroupId: pulumi.Input<string>;
}

export class TenantDatabase extends pulumi.ComponentResource {
  readonly identifier: pulumi.Output<string>;
  readonly address: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly endpoint: pulumi.Output<string>;
  /** The RDS-managed master secret (JSON `username`/`password`), rotated by RDS. */
  readonly masterSecretArn: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;

  constructor(name: string, args: TenantDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tenantctl:tenant:TenantDatabase", name, {}, opts);
    const { context: ctx } = args;
    const securityGroup = this.createSecurityGroup(ctx, args.clientSecurityGroupId);
    const instance = this.createInstance(ctx, securityGroup);

    this.identifier = instance.identifier;
    this.address = instance.address;
    this.port = instance.port;
    this.endpoint = instance.endpoint;
    this.securityGroupId = securityGroup.id;
    this.masterSecretArn = instance.masterUserSecrets.apply((secrets) => {
      const arn = secrets?.[0]?.secretArn;
      if (arn === undefined) throw new Error(`TenantDatabase ${name}: RDS returned no managed master secret`);
      return arn;
    });
    this.registerOutputs({
      identifier: this.identifier,
      endpoint: this.endpoint,
      masterSecretArn: this.masterSecretArn,
      securityGroupId: this.securityGroupId,
    });
  }

  /** One group per tenant: a shared DB group would hit the 60-rules-per-group quota at 60 tenants. */
  private createSecurityGroup(ctx: TenantContext, clientSecurityGroupId: pulumi.Input<string>): aws.ec2.SecurityGroup {
    const { names, tags, shared } = ctx;
    const group = new aws.ec2.SecurityGroup(
      names.dbSecurityGroup,
      { vpcId: shared.vpcId, description: `tenantctl database of ${ctx.names.component}`, tags },
      { parent: this },
    );
    new aws.vpc.SecurityGroupIngressRule(
      names.dbIngressRule,
      {
        securityGroupId: group.id,
        description: "Postgres from this tenant's service only",
        ipProtocol: "tcp",
        fromPort: DB_PORT,
        toPort: DB_PORT,
        referencedSecurityGroupId: clientSecurityGroupId,
        tags,
      },
      { parent: this },
    );
    // The service group's egress is otherwise HTTPS only; this opens exactly the path to this database.
    new aws.vpc.SecurityGroupEgressRule(
      names.serviceDbEgressRule,
      {
        securityGroupId: clientSecurityGroupId,
        description: "Postgres to this tenant's database only",
        ipProtocol: "tcp",
        fromPort: DB_PORT,
        toPort: DB_PORT,
        referencedSecurityGroupId: group.id,
        tags,
      },
      { parent: this },
    );
    return group;
  }

  private createInstance(ctx: TenantContext, securityGroup: aws.ec2.SecurityGroup): aws.rds.Instance {
    const { names, tier, tags, isPreview, protectData, spec, shared } = ctx;
    const restoring = spec.restoreFromSnapshot !== undefined;
    return new aws.rds.Instance(
      names.dbInstance,
      {
        engine: "postgres",
        engineVersion: POSTGRES_MAJOR_VERSION,
        autoMinorVersionUpgrade: true,
        instanceClass: tier.dbInstanceClass,
        allocatedStorage: tier.storageGiB,
        // RDS refuses a ceiling equal to the allocation; no ceiling turns storage autoscaling off.
        maxAllocatedStorage: tier.maxStorageGiB > tier.storageGiB ? tier.maxStorageGiB : undefined,
        storageType: "gp3",
        storageEncrypted: true,
        multiAz: tier.multiAz,
        port: DB_PORT,
        // A restored instance takes its database and master user from the snapshot.
        dbName: restoring ? undefined : DB_NAME,
        username: restoring ? undefined : DB_USERNAME,
        snapshotIdentifier: spec.restoreFromSnapshot,
        manageMasterUserPassword: true,
        dbSubnetGroupName: shared.dbSubnetGroupName,
        vpcSecurityGroupIds: [securityGroup.id],
        publiclyAccessible: false,
        caCertIdentifier: RDS_CA,
        copyTagsToSnapshot: true,
        backupRetentionPeriod: tier.backupRetentionDays,
        deletionProtection: protectData,
        // A warm-pool slot never held customer data: draining it (protection released) takes no final snapshot.
        // In every other run it is set like any tenant's, so a claim does not change it.
        skipFinalSnapshot: isPreview || (ctx.isSlot && !protectData),
        finalSnapshotIdentifier: names.finalSnapshotIdentifier,
        // Tenants keep automated backups after deletion, a second way back besides the final snapshot.
        deleteAutomatedBackups: isPreview,
        // Tenant resizes wait for the maintenance window instead of rebooting a customer's database mid-day.
        applyImmediately: isPreview,
        tags,
      },
      { parent: this, protect: protectData },
    );
  }
}
