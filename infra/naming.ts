// The slug rule and every name a tenant stack derives from it, checked against AWS's limits after Pulumi's auto-naming.
import type { TenantSpec } from "./spec";
import { MAX_GENERATION } from "./spec-rules";
import { namingKey } from "./tenant-id";

/** Pulumi's auto-name: `-` + 7 hex for most resources; RDS instances get 7 hex with no separator. */
export const AUTONAME_SUFFIX_LENGTH = 8;
export const RDS_AUTONAME_SUFFIX_LENGTH = 7;

export const SLUG_MIN_LENGTH = 3;
export const ENV_MIN_LENGTH = 2;
export const ENV_MAX_LENGTH = 12;
export const HOST_HEADER_MAX_LENGTH = 128;
export const PREVIEW_SUBDOMAIN = "preview";

/** Names that would shadow a shared host (`api.<domain>`, `preview.<domain>` …) or confuse operators. */
export const RESERVED_SLUGS: readonly string[] = [
  "www",
  "api",
  "admin",
  "shared",
  "preview",
  "previews",
  "app",
  "apps",
  "static",
  "assets",
  "cdn",
  "auth",
  "login",
  "sso",
  "oauth",
  "mail",
  "smtp",
  "imap",
  "pop",
  "ftp",
  "ns1",
  "ns2",
  "status",
  "health",
  "healthz",
  "metrics",
  "docs",
  "help",
  "support",
  "billing",
  "dashboard",
  "console",
  "portal",
  "internal",
  "system",
  "root",
  "default",
  "dev",
  "test",
  "staging",
  "stage",
  "prod",
  "production",
  "sandbox",
  "demo",
  "tenantctl",
  "aws",
  "amazon",
];

export type NamingInput = Pick<TenantSpec, "slug" | "env" | "preview" | "generation"> & {
  readonly tenantId?: string | undefined;
};

/** Logical names (Pulumi auto-names them) and explicit physical names of one tenant stack. */
export interface TenantNames {
  readonly project: "tenantctl-tenants" | "tenantctl-previews";
  readonly stack: string;
  /** Every tenant component is named by the naming key (tenant id, else slug); children start with it. */
  readonly component: string;
  /** `<env>-<naming key>`: what descriptions say, so a claim (which changes the slug) leaves them alone. */
  readonly label: string;
  readonly dnsLabel: string;
  readonly dbInstance: string;
  readonly dbSecurityGroup: string;
  readonly dbIngressRule: string;
  /** Explicit; only tenants take a final snapshot. */
  readonly finalSnapshotIdentifier: string | undefined;
  readonly adminTokenSecret: string;
  readonly adminTokenSecretVersion: string;
  /** The app role's credentials (JSON username/password), written by the bootstrap task, read by the service. */
  readonly appDbSecret: string;
  readonly serviceSecurityGroup: string;
  readonly serviceIngressRule: string;
  readonly serviceHttpsEgressRule: string;
  readonly serviceDbEgressRule: string;
  readonly executionRole: string;
  readonly executionRoleManagedPolicy: string;
  readonly taskRole: string;
  readonly taskRoleSecretsPolicy: string;
  /** The bootstrap task's role: reads the master secret, writes the app secret; nothing else. */
  readonly bootstrapRole: string;
  readonly bootstrapRoleSecretsPolicy: string;
  readonly bootstrapTaskDefinition: string;
  /** Explicit, like taskFamily; the shared task runner may run only families ending in `-bootstrap`. */
  readonly bootstrapTaskFamily: string;
  readonly bootstrapInvocation: string;
  readonly taskDefinition: string;
  /** Explicit; kind and env keep a preview and a tenant of the same slug apart in one account. */
  readonly taskFamily: string;
  readonly service: string;
  readonly logStreamPrefix: string;
  readonly targetGroup: string;
  readonly listenerRule: string;
  readonly dnsRecord: string;
  /** Pool-born tenants only: the secret holding the identity (slug, display name, skin) the app reads at run time. */
  readonly identitySecret: string;
  readonly identitySecretVersion: string;
}

export const CONTAINER_NAME = "app";
export const BOOTSTRAP_CONTAINER_NAME = "bootstrap";
export const BOOTSTRAP_FAMILY_SUFFIX = "-bootstrap";
export const DB_NAME = "app";
/** The RDS master user (its password is the RDS-managed secret); only the bootstrap task logs in as it. */
export const DB_USERNAME = "app_owner";
/**
 * The app's NOLOGIN owner role, made by the bootstrap task; the service connects as one of its two login roles,
 * `app_a` or `app_b`, whichever the app secret names (alternating users: app/src/bootstrap/app-roles.ts).
 */
export const DB_APP_USERNAME = "app";
export const DB_PORT = 5432;
export const CONTAINER_PORT = 8080;

/**
 * IAM path of every role a bootstrap task runs with: the shared task runner may pass only roles under it, so it
 * cannot hand a tenant's service role (or any other) to a task.
 */
export function bootstrapRolePath(env: string): string {
  return `/tenantctl/${env}/bootstrap/`;
}

export function tenantStackName(env: string, slug: string): string {
  return `${env}-${slug}`;
}

/**
 * Every name but the stack's and the DNS label derives from the naming key: the tenant id of a pool-born tenant
 * (fixed before its slug is known, so claiming it renames nothing in AWS), else the slug (tenants from before the
 * pool, whose names therefore stay exactly as they were).
 */
export function tenantNames(spec: NamingInput): TenantNames {
  const s = namingKey(spec);
  const kind = spec.preview === undefined ? "tenant" : "preview";
  return {
    project: kind === "tenant" ? "tenantctl-tenants" : "tenantctl-previews",
    stack: tenantStackName(spec.env, spec.slug),
    component: s,
    label: tenantStackName(spec.env, s),
    dnsLabel: spec.slug,
    dbInstance: `${s}-db`,
    dbSecurityGroup: `${s}-db-sg`,
    dbIngressRule: `${s}-db-from-svc`,
    finalSnapshotIdentifier: kind === "tenant" ? `tenantctl-${spec.env}-${s}-final-${spec.generation}` : undefined,
    adminTokenSecret: `${s}-admin-token`,
    adminTokenSecretVersion: `${s}-admin-token-value`,
    appDbSecret: `${s}-db-app`,
    serviceSecurityGroup: `${s}-svc-sg`,
    serviceIngressRule: `${s}-svc-from-alb`,
    serviceHttpsEgressRule: `${s}-svc-to-https`,
    serviceDbEgressRule: `${s}-svc-to-db`,
    executionRole: `${s}-exec`,
    executionRoleManagedPolicy: `${s}-exec-ecs`,
    taskRole: `${s}-task`,
    taskRoleSecretsPolicy: `${s}-task-secrets`,
    bootstrapRole: `${s}-boot`,
    bootstrapRoleSecretsPolicy: `${s}-boot-secrets`,
    bootstrapTaskDefinition: `${s}-boot-taskdef`,
    bootstrapTaskFamily: `${kind}-${spec.env}-${s}${BOOTSTRAP_FAMILY_SUFFIX}`,
    bootstrapInvocation: `${s}-bootstrap`,
    taskDefinition: `${s}-taskdef`,
    taskFamily: `${kind}-${spec.env}-${s}`,
    service: `${s}-svc`,
    logStreamPrefix: `${kind}-${s}`,
    targetGroup: `${s}-tg`,
    listenerRule: `${s}-rule`,
    dnsRecord: `${s}-dns`,
    identitySecret: `${s}-identity`,
    identitySecretVersion: `${s}-identity-value`,
  };
}

/** A name AWS will see: its limit and how much Pulumi's auto-naming adds to the derived name. */
export interface NameLimit {
  readonly name: keyof TenantNames;
  readonly what: string;
  readonly max: number;
  readonly autoNameSuffix: number;
}

// Log stream: `<prefix>/<container>/<32-hex task id>` must fit CloudWatch's 512 (the longer container name counts).
const LOG_STREAM_TAIL = `/${BOOTSTRAP_CONTAINER_NAME}/`.length + 32;

export const NAME_LIMITS: readonly NameLimit[] = [
  { name: "stack", what: "Pulumi stack name", max: 100, autoNameSuffix: 0 },
  { name: "dnsLabel", what: "DNS label", max: 63, autoNameSuffix: 0 },
  { name: "dbInstance", what: "RDS instance identifier", max: 63, autoNameSuffix: RDS_AUTONAME_SUFFIX_LENGTH },
  { name: "finalSnapshotIdentifier", what: "RDS final snapshot identifier", max: 255, autoNameSuffix: 0 },
  { name: "dbSecurityGroup", what: "security group name", max: 255, autoNameSuffix: AUTONAME_SUFFIX_LENGTH },
  { name: "serviceSecurityGroup", what: "security group name", max: 255, autoNameSuffix: AUTONAME_SUFFIX_LENGTH },
  { name: "adminTokenSecret", what: "Secrets Manager secret name", max: 512, autoNameSuffix: AUTONAME_SUFFIX_LENGTH },
  { name: "executionRole", what: "IAM role name", max: 64, autoNameSuffix: AUTONAME_SUFFIX_LENGTH },
  { name: "taskRole", what: "IAM role name", max: 64, autoNameSuffix: AUTONAME_SUFFIX_LENGTH },
  { name: "taskRoleSecretsPolicy", what: "IAM inline policy name", max: 128, autoNameSuffix: AUTONAME_SUFFIX_LENGTH },
  { name: "appDbSecret", what: "Secrets Manager secret name", max: 512, autoNameSuffix: AUTONAME_SUFFIX_LENGTH },
  { name: "bootstrapRole", what: "IAM role name", max: 64, autoNameSuffix: AUTONAME_SUFFIX_LENGTH },
  {
    name: "bootstrapRoleSecretsPolicy",
    what: "IAM inline policy name",
    max: 128,
    autoNameSuffix: AUTONAME_SUFFIX_LENGTH,
  },
  { name: "taskFamily", what: "ECS task definition family", max: 255, autoNameSuffix: 0 },
  { name: "bootstrapTaskFamily", what: "ECS task definition family", max: 255, autoNameSuffix: 0 },
  { name: "service", what: "ECS service name", max: 255, autoNameSuffix: AUTONAME_SUFFIX_LENGTH },
  { name: "logStreamPrefix", what: "CloudWatch log stream name", max: 512 - LOG_STREAM_TAIL, autoNameSuffix: 0 },
  { name: "targetGroup", what: "ELBv2 target group name", max: 32, autoNameSuffix: AUTONAME_SUFFIX_LENGTH },
];

/** How long a slug each name allows: its limit minus the auto-name suffix and the fixed text around the slug. */
export function slugBudgets(): readonly { readonly limit: NameLimit; readonly maxSlug: number }[] {
  const probe = tenantNames({
    slug: "a",
    env: "e".repeat(ENV_MAX_LENGTH),
    preview: undefined,
    generation: MAX_GENERATION,
  });
  const previewProbe = tenantNames({
    slug: "a",
    env: "e".repeat(ENV_MAX_LENGTH),
    preview: { branch: "b", expiresAt: "" },
    generation: MAX_GENERATION,
  });
  return NAME_LIMITS.map((limit) => {
    const fixed = Math.max(probe[limit.name]?.length ?? 0, previewProbe[limit.name]?.length ?? 0) - 1;
    return { limit, maxSlug: limit.max - limit.autoNameSuffix - fixed };
  });
}

/**
 * 21: the target group decides. Its name is at most 32, Pulumi appends `-` + 7 hex, the logical name is `<slug>-tg`,
 * so 32 - 8 - 3 = 21. Every other name (IAM role 51, RDS 53, DNS label 63 …) leaves more room.
 */
export const SLUG_MAX_LENGTH: number = Math.min(...slugBudgets().map((b) => b.maxSlug));

const SLUG_PATTERN = /^[a-z][a-z0-9-]*[a-z0-9]$/;
const allowedSlug =
  `allowed: ${SLUG_MIN_LENGTH}-${SLUG_MAX_LENGTH} lowercase letters, digits and single hyphens, ` +
  "starting with a letter, not ending with a hyphen";

/** Why a slug is unusable, or undefined when it is fine. */
export function slugProblem(slug: string): string | undefined {
  const shown = JSON.stringify(slug);
  if (slug.length < SLUG_MIN_LENGTH || slug.length > SLUG_MAX_LENGTH) {
    return `${shown} has ${slug.length} characters (${allowedSlug})`;
  }
  if (!SLUG_PATTERN.test(slug)) return `${shown} has a character or position that is not allowed (${allowedSlug})`;
  if (slug.includes("--")) return `${shown} contains "--", which RDS identifiers forbid (${allowedSlug})`;
  if (RESERVED_SLUGS.includes(slug))
    return `${shown} is reserved (allowed: any slug except ${RESERVED_SLUGS.join(", ")})`;
  // A security group name must not start with `sg-`, and its logical name starts with the slug.
  if (slug.startsWith("sg-")) return `${shown} starts with "sg-", which AWS reserves for security group ids`;
  return undefined;
}

const ENV_PATTERN = /^[a-z][a-z0-9]*$/;

export function envProblem(env: string): string | undefined {
  if (env.length >= ENV_MIN_LENGTH && env.length <= ENV_MAX_LENGTH && ENV_PATTERN.test(env)) return undefined;
  return (
    `${JSON.stringify(env)} is not an environment name ` +
    `(allowed: ${ENV_MIN_LENGTH}-${ENV_MAX_LENGTH} lowercase letters and digits, starting with a letter, e.g. dev, staging, prod)`
  );
}

export function tenantHost(spec: Pick<TenantSpec, "slug" | "preview">, baseDomain: string): string {
  return spec.preview === undefined ? `${spec.slug}.${baseDomain}` : `${spec.slug}.${PREVIEW_SUBDOMAIN}.${baseDomain}`;
}

/** The longest base domain under which every slug's preview host still fits a listener rule's host-header value. */
export const BASE_DOMAIN_MAX_LENGTH = HOST_HEADER_MAX_LENGTH - SLUG_MAX_LENGTH - `.${PREVIEW_SUBDOMAIN}.`.length;
