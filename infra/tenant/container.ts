// The app's container definition, pure so tests can prove no credential ever lands in `environment`.
import { CONTAINER_NAME, CONTAINER_PORT, DB_NAME } from "../naming";
import type { TenantContext } from "./context";

/** The image's non-root user (the node base image's `node`, uid/gid 1000); numeric so no passwd lookup is needed. */
export const CONTAINER_USER = "1000:1000";
/** ECS sends SIGTERM, waits this long, then SIGKILLs; the app drains within its own 25 s shutdown timeout. */
export const STOP_TIMEOUT_SECONDS = 30;
/** The only writable path: an ephemeral task volume, because the root filesystem is read-only. */
export const SCRATCH_VOLUME = "scratch";

export interface ContainerRuntimeValues {
  readonly dbHost: string;
  readonly dbPort: number;
  readonly dbSecretArn: string;
  readonly adminTokenSecretArn: string;
}

export interface KeyValue {
  readonly name: string;
  readonly value: string;
}

/**
 * What the app reads at start (see app/src/config.ts). Secret ARNs only: the task role reads the values at runtime,
 * and re-reads the RDS password after its 7-day rotation, which a value injected at start could not follow.
 */
export function containerEnvironment(ctx: TenantContext, values: ContainerRuntimeValues): KeyValue[] {
  const env: Record<string, string> = {
    PORT: String(CONTAINER_PORT),
    AWS_REGION: ctx.shared.region,
    TENANT_SLUG: ctx.spec.slug,
    TENANT_DISPLAY_NAME: ctx.spec.displayName,
    SKIN_PRIMARY_COLOR: ctx.spec.skin.primaryColor,
    DB_HOST: values.dbHost,
    DB_PORT: String(values.dbPort),
    DB_NAME,
    DB_SECRET_ARN: values.dbSecretArn,
    ADMIN_TOKEN_SECRET_ARN: values.adminTokenSecretArn,
    ...(ctx.spec.skin.logoUrl === undefined ? {} : { SKIN_LOGO_URL: ctx.spec.skin.logoUrl }),
  };
  // Sorted so the same spec always serialises to the same task definition.
  return Object.keys(env).sort().map((name) => ({ name, value: env[name] ?? "" }));
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
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": ctx.shared.logGroupName,
          "awslogs-region": ctx.shared.region,
          "awslogs-stream-prefix": ctx.names.logStreamPrefix,
          // Non-blocking: a CloudWatch hiccup must not stall the app's stdout; the buffer bounds what can be lost.
          mode: "non-blocking",
          "max-buffer-size": "25m",
        },
      },
    },
  ]);
}
