// The app's container definitions (the service and its bootstrap task), pure so tests can prove no credential ever
// lands in `environment` and that each entry point gets every variable it reads.
import { BOOTSTRAP_CONTAINER_NAME, CONTAINER_NAME, CONTAINER_PORT, DB_APP_USERNAME, DB_NAME } from "../naming";
import type { TenantContext } from "./context";

/** The image's non-root user (the node base image's `node`, uid/gid 1000); numeric so no passwd lookup is needed. */
export const CONTAINER_USER = "1000:1000";
/** ECS sends SIGTERM, waits this long, then SIGKILLs; the app drains within its own 25 s shutdown timeout. */
export const STOP_TIMEOUT_SECONDS = 30;
/** The only writable path: an ephemeral task volume, because the root filesystem is read-only. */
export const SCRATCH_VOLUME = "scratch";
/**
 * Where the image ships Amazon RDS's CA bundle (app/Dockerfile copies app/certs/ to /app/certs/). RDS for
 * PostgreSQL 15+ refuses unencrypted logins by default (`rds.force_ssl` = 1), so both entry points need it.
 */
export const RDS_CA_BUNDLE_PATH = "/app/certs/rds-global-bundle.pem";
/** The bootstrap task's command: the second entry point of the same image (see app/src/bootstrap.ts). */
export const BOOTSTRAP_COMMAND: readonly string[] = ["node", "dist/bootstrap.js"];
/** The bootstrap task is a few queries and a migration: the smallest Fargate size. */
export const BOOTSTRAP_TASK_SIZE = { cpu: 256, memoryMiB: 512 } as const;

export interface ContainerRuntimeValues {
  readonly dbHost: string;
  readonly dbPort: number;
  /** The app role's secret (never the RDS master secret). */
  readonly appDbSecretArn: string;
  readonly adminTokenSecretArn: string;
  /** Pool-born tenants: where the app reads its identity at run time (instead of TENANT_SLUG and the skin). */
  readonly identitySecretArn?: string | undefined;
}

export interface BootstrapRuntimeValues {
  readonly dbHost: string;
  readonly dbPort: number;
  readonly masterSecretArn: string;
  readonly appDbSecretArn: string;
}

export interface KeyValue {
  readonly name: string;
  readonly value: string;
}

// Sorted so the same spec always serialises to the same task definition.
const sortedEnv = (env: Record<string, string>): KeyValue[] =>
  Object.keys(env)
    .sort()
    .map((name) => ({ name, value: env[name] ?? "" }));

/**
 * What the app reads at start (see app/src/config.ts). Secret ARNs only: the task role reads the values at runtime,
 * and re-reads the app role's password after the bootstrap task set a new one, which a value injected at start
 * could not follow.
 */
export function containerEnvironment(ctx: TenantContext, values: ContainerRuntimeValues): KeyValue[] {
  return sortedEnv({
    PORT: String(CONTAINER_PORT),
    AWS_REGION: ctx.shared.region,
    ...identityEnvironment(ctx, values),
    DB_HOST: values.dbHost,
    DB_PORT: String(values.dbPort),
    DB_NAME,
    DB_SECRET_ARN: values.appDbSecretArn,
    DB_SSL_CA_FILE: RDS_CA_BUNDLE_PATH,
    ADMIN_TOKEN_SECRET_ARN: values.adminTokenSecretArn,
  });
}

/**
 * Tenants from before the pool: the identity in the environment, exactly as before (their task definitions do not
 * change). Pool-born tenants: only the immutable id and the identity secret's ARN, so a claim (a new slug, name and
 * skin) leaves the task definition, and so the running tasks, alone.
 */
function identityEnvironment(ctx: TenantContext, values: ContainerRuntimeValues): Record<string, string> {
  if (ctx.runtimeIdentity) {
    if (values.identitySecretArn === undefined)
      throw new Error(`containerEnvironment: ${ctx.names.label} needs its identity secret ARN`);
    return { TENANT_ID: ctx.names.component, TENANT_IDENTITY_SECRET_ARN: values.identitySecretArn };
  }
  return {
    TENANT_SLUG: ctx.spec.slug,
    TENANT_DISPLAY_NAME: ctx.spec.displayName,
    SKIN_PRIMARY_COLOR: ctx.spec.skin.primaryColor,
    ...(ctx.spec.skin.logoUrl === undefined ? {} : { SKIN_LOGO_URL: ctx.spec.skin.logoUrl }),
  };
}

/** What app/src/bootstrap.ts reads: the master secret to log in with, the app secret to write. */
export function bootstrapEnvironment(ctx: TenantContext, values: BootstrapRuntimeValues): KeyValue[] {
  return sortedEnv({
    AWS_REGION: ctx.shared.region,
    // The naming key, not the slug: a claim must not give the bootstrap task definition a new revision (and so a
    // bootstrap run); the bootstrap only logs it.
    TENANT_SLUG: ctx.names.component,
    DB_HOST: values.dbHost,
    DB_PORT: String(values.dbPort),
    DB_NAME,
    DB_SSL_CA_FILE: RDS_CA_BUNDLE_PATH,
    DB_MASTER_SECRET_ARN: values.masterSecretArn,
    DB_SECRET_ARN: values.appDbSecretArn,
    DB_APP_USERNAME,
  });
}

function logConfiguration(ctx: TenantContext): Record<string, unknown> {
  return {
    logDriver: "awslogs",
    options: {
      "awslogs-group": ctx.shared.logGroupName,
      "awslogs-region": ctx.shared.region,
      "awslogs-stream-prefix": ctx.names.logStreamPrefix,
      // Non-blocking: a CloudWatch hiccup must not stall the app's stdout; the buffer bounds what can be lost.
      mode: "non-blocking",
      "max-buffer-size": "25m",
    },
  };
}

export function containerDefinitions(ctx: TenantContext, values: ContainerRuntimeValues): string {
  return JSON.stringify([
    {
      name: CONTAINER_NAME,
      image: ctx.image,
      essential: true,
      user: CONTAINER_USER,
      readonlyRootFilesystem: true,
      stopTimeout: STOP_TIMEOUT_SECONDS,
      portMappings: [{ containerPort: CONTAINER_PORT, hostPort: CONTAINER_PORT, protocol: "tcp" }],
      environment: containerEnvironment(ctx, values),
      mountPoints: [{ sourceVolume: SCRATCH_VOLUME, containerPath: "/tmp", readOnly: false }],
      // An init process reaps zombies and forwards SIGTERM, so the graceful shutdown actually runs.
      linuxParameters: { initProcessEnabled: true },
      logConfiguration: logConfiguration(ctx),
    },
  ]);
}

/** The same image, user and read-only root as the service; its own command, no port, its own environment. */
export function bootstrapContainerDefinitions(ctx: TenantContext, values: BootstrapRuntimeValues): string {
  return JSON.stringify([
    {
      name: BOOTSTRAP_CONTAINER_NAME,
      image: ctx.image,
      essential: true,
      command: [...BOOTSTRAP_COMMAND],
      user: CONTAINER_USER,
      readonlyRootFilesystem: true,
      stopTimeout: STOP_TIMEOUT_SECONDS,
      environment: bootstrapEnvironment(ctx, values),
      mountPoints: [{ sourceVolume: SCRATCH_VOLUME, containerPath: "/tmp", readOnly: false }],
      linuxParameters: { initProcessEnabled: true },
      logConfiguration: logConfiguration(ctx),
    },
  ]);
}

/** What both of a tenant's Fargate task definitions (the service's and the bootstrap's) share but their size. */
export function fargateTaskSettings(size: { readonly cpu: number; readonly memoryMiB: number }) {
  return {
    requiresCompatibilities: ["FARGATE"],
    networkMode: "awsvpc",
    cpu: String(size.cpu),
    memory: String(size.memoryMiB),
    runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
    volumes: [{ name: SCRATCH_VOLUME }],
  };
}
