// The shared project's configuration (root Pulumi.yaml, `Pulumi.<env>.yaml`), parsed once at the edge.
import { resolve } from "node:path";
import { z } from "zod";
import { SharedConfigError } from "../errors";
import { BASE_DOMAIN_MAX_LENGTH, envProblem } from "../naming";
import { imageProblem, show } from "../spec-rules";

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export const NAT_STRATEGIES = ["single", "onePerAz"] as const;
export type NatStrategy = (typeof NAT_STRATEGIES)[number];

const DOMAIN_PATTERN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

function check(problem: (v: string) => string | undefined) {
  return z.string({ error: (iss) => `${show(iss.input)} is not a string` }).superRefine((v, ctx) => {
    const p = problem(v);
    if (p !== undefined) ctx.addIssue({ code: "custom", message: p });
  });
}

// Pulumi config values arrive as strings from YAML and the CLI; numbers and booleans may come typed from callers.
const integer = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : v),
    z
      .number({ error: (iss) => `${show(iss.input)} is not a number (allowed: an integer ${min}-${max})` })
      .int({ error: (iss) => `${show(iss.input)} is not an integer (allowed: ${min}-${max})` })
      .min(min, { error: (iss) => `${show(iss.input)} is too small (allowed: ${min}-${max})` })
      .max(max, { error: (iss) => `${show(iss.input)} is too large (allowed: ${min}-${max})` }),
  );

const bool = z.preprocess(
  (v) => (v === "true" ? true : v === "false" ? false : v),
  z.boolean({ error: (iss) => `${show(iss.input)} is not a boolean (allowed: true, false)` }),
);

const cidrProblem = (v: string): string | undefined => {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(v);
  const octetsOk = m !== null && m.slice(1, 5).every((o) => Number(o) <= 255);
  const prefix = m === null ? NaN : Number(m[5]);
  // Each AZ gets a public and a private subnet; below a /20 the private subnets get too few IPs for tasks and DBs.
  if (octetsOk && prefix >= 16 && prefix <= 20) return undefined;
  return `${show(v)} is not an IPv4 CIDR block of size /16 to /20 (allowed: e.g. 10.0.0.0/16)`;
};

export const SharedConfigSchema = z.strictObject({
  env: check(envProblem),
  region: check((v) =>
    /^[a-z]{2}(?:-gov)?-[a-z]+-\d$/.test(v) ? undefined : `${show(v)} is not an AWS region (allowed: e.g. us-east-1)`,
  ),
  baseDomain: check((v) =>
    DOMAIN_PATTERN.test(v) && v.length <= BASE_DOMAIN_MAX_LENGTH
      ? undefined
      : `${show(v)} is not a lowercase domain name of at most ${BASE_DOMAIN_MAX_LENGTH} characters ` +
        "(allowed: e.g. tenants.example.com; the limit keeps `<slug>.preview.<baseDomain>` within 128)",
  ),
  hostedZoneId: check((v) =>
    /^Z[A-Z0-9]{1,32}$/.test(v)
      ? undefined
      : `${show(v)} is not a Route 53 zone id (allowed: e.g. Z0123456789ABCDEFGHIJ)`,
  ).optional(),
  /** An ACM certificate already ISSUED for `*.<baseDomain>` and `*.preview.<baseDomain>` (DNS managed elsewhere). */
  certificateArn: check((v) =>
    /^arn:aws[a-z-]*:acm:[a-z]{2}(?:-gov)?-[a-z]+-\d:\d{12}:certificate\/[0-9a-f-]{36}$/.test(v)
      ? undefined
      : `${show(v)} is not an ACM certificate ARN (allowed: arn:aws:acm:<region>:<account>:certificate/<uuid>)`,
  ).optional(),
  vpcCidr: check(cidrProblem).default("10.0.0.0/16"),
  azCount: integer(2, 6).default(2),
  natStrategy: z
    .enum(NAT_STRATEGIES, {
      error: (iss) => `${show(iss.input)} is not a NAT strategy (allowed: ${NAT_STRATEGIES.join(", ")})`,
    })
    .default("single"),
  logRetentionDays: z
    .preprocess(
      (v) => (typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v),
      z.number().refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), {
        error: (iss) => `${show(iss.input)} is not a CloudWatch retention (allowed: ${LOG_RETENTION_DAYS.join(", ")})`,
      }),
    )
    .default(30),
  /** A prebuilt image; when absent the program builds `app/` with `app/Dockerfile` and pushes it to the ECR repository. */
  imageUri: check(imageProblem).optional(),
  /**
   * Directory of the app's Docker build context. Relative paths are relative to the project's directory (where the
   * root Pulumi.yaml is), never to the working directory: the CLI can be started anywhere and the provider building
   * the image runs in the Pulumi workspace. `resolveAppPath` makes it absolute at the edge.
   */
  appPath: z.string().min(1).default("app"),
  albCount: integer(1, 10).default(1),
  /** Defaults to on outside `dev`. */
  albDeletionProtection: bool.optional(),
});

export type SharedConfig = z.output<typeof SharedConfigSchema>;
export type SharedConfigInput = z.input<typeof SharedConfigSchema>;

export const SHARED_CONFIG_KEYS = Object.keys(SharedConfigSchema.shape).filter((k) => k !== "env" && k !== "region");

export function parseSharedConfig(input: unknown): SharedConfig {
  const result = SharedConfigSchema.safeParse(input);
  if (result.success) return result.data;
  throw new SharedConfigError(result.error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`));
}

/** The config with `appPath` made absolute against the project's directory (absolute paths stay as they are). */
export function resolveAppPath(config: SharedConfig, projectDir: string): SharedConfig {
  return { ...config, appPath: resolve(projectDir, config.appPath) };
}

/** Deletion protection for the ALB(s): explicit config wins, otherwise everywhere but dev. */
export function albDeletionProtection(config: SharedConfig): boolean {
  return config.albDeletionProtection ?? config.env !== "dev";
}
