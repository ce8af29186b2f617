/**
 * The @pulumi/aws services the tenant program uses, each from its own entry point. `import * as aws from
 * "@pulumi/aws"` loads the package root, which requires the index of all ~250 services (~300 modules, ~0.2 CPU-s on
 * the 2-core dev machine, against ~0.02 CPU-s and 33 modules for these nine): every provision, teardown, upgrade and
 * drift check pays it. The root also registers the aws provider package for rehydrating references to provider
 * resources, which tenant stacks never receive (they use the default provider). Add a service here when a tenant
 * resource needs one.
 */
export * as ec2 from "@pulumi/aws/ec2";
export * as ecs from "@pulumi/aws/ecs";
export * as iam from "@pulumi/aws/iam";
export * as lambda from "@pulumi/aws/lambda";
export * as lb from "@pulumi/aws/lb";
export * as rds from "@pulumi/aws/rds";
export * as route53 from "@pulumi/aws/route53";
export * as secretsmanager from "@pulumi/aws/secretsmanager";
export * as vpc from "@pulumi/aws/vpc";
