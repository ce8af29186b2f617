// The tenant spec: the one validated description of a tenant, parsed at the edge and carried in the stack's outputs.
import { z } from "zod";
import { SpecValidationError } from "./errors";
import { envProblem, slugProblem } from "./naming";
import { tenantIdProblem } from "./tenant-id";
import { TIER_NAMES } from "./tiers";
import {
  DISPLAY_NAME_MAX_LENGTH,
  MAX_GENERATION,
  displayNameProblem,
  emailProblem,
  imageProblem,
  isoTimeProblem,
  loadBalancerIdProblem,
  logoUrlProblem,
  show,
  snapshotIdProblem,
} from "./spec-rules";

export { DISPLAY_NAME_MAX_LENGTH, MAX_GENERATION };
export const LISTENER_PRIORITY_MIN = 1;
export const LISTENER_PRIORITY_MAX = 50000;
export const DEFAULT_LOAD_BALANCER_ID = "alb-0";

type Problem = (value: string) => string | undefined;

/** A string checked by one of our rules, so every message shows the value and what is allowed. */
function ruled(problem: Problem, allowed: string) {
  return z
    .string({ error: (iss) => `${show(iss.input)} is not a string (allowed: ${allowed})` })
    .superRefine((value, ctx) => {
      const p = problem(value);
      if (p !== undefined) ctx.addIssue({ code: "custom", message: p });
    });
}

const int = (min: number, max: number, what: string) =>
  z.number({ error: (iss) => `${show(iss.input)} is not a number (allowed: ${what})` }).superRefine((value, ctx) => {
    if (!Number.isInteger(value) || value < min || value > max) {
      ctx.addIssue({ code: "custom", message: `${show(value)} is out of range (allowed: ${what})` });
    }
  });

const object = <T extends z.core.$ZodLooseShape>(shape: T, what: string) =>
  z.strictObject(shape, {
    error: (iss) =>
      iss.code === "unrecognized_keys"
        ? `unknown field(s) ${iss.keys.map((k) => JSON.stringify(k)).join(", ")} (allowed: ${Object.keys(shape).join(", ")})`
        : `${show(iss.input)} is not ${what}`,
  });

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}-[A-Za-z0-9]{6}$/;
const secretArnProblem: Problem = (v) =>
  SECRET_ARN.test(v)
    ? undefined
    : `${show(v)} is not a Secrets Manager secret ARN (allowed: arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>)`;

const colorProblem: Problem = (v) =>
  /^#[0-9a-fA-F]{6}$/.test(v) ? undefined : `${show(v)} is not a colour (allowed: #rrggbb, e.g. #1a73e8)`;

export const TenantSpecSchema = object(
  {
    slug: ruled(slugProblem, "a slug"),
    displayName: ruled(displayNameProblem, "a display name"),
    env: ruled(envProblem, "an environment name"),
    tier: z.enum(TIER_NAMES, {
      error: (iss) => `${show(iss.input)} is not a tier (allowed: ${TIER_NAMES.join(", ")})`,
    }),
    skin: object(
      {
        primaryColor: ruled(colorProblem, "#rrggbb"),
        logoUrl: ruled(logoUrlProblem, "an https URL").optional(),
      },
      "a skin object (allowed: { primaryColor, logoUrl? })",
    ),
    image: ruled(imageProblem, "a container image reference"),
    pinnedImage: ruled(imageProblem, "a container image reference").optional(),
    owner: ruled(emailProblem, "an email address").optional(),
    preview: object(
      {
        branch: ruled(
          (v) => (v.length >= 1 && v.length <= 255 ? undefined : `${show(v)} (allowed: 1-255 characters)`),
          "a git branch",
        ),
        expiresAt: ruled(isoTimeProblem, "an ISO 8601 time"),
      },
      "a preview object (allowed: { branch, expiresAt })",
    ).optional(),
    listenerPriority: int(
      LISTENER_PRIORITY_MIN,
      LISTENER_PRIORITY_MAX,
      `an integer ${LISTENER_PRIORITY_MIN}-${LISTENER_PRIORITY_MAX}`,
    ),
    loadBalancer: ruled(loadBalancerIdProblem, "a load balancer id").default(DEFAULT_LOAD_BALANCER_ID),
    generation: int(1, MAX_GENERATION, `an integer 1-${MAX_GENERATION}`).default(1),
    restoreFromSnapshot: ruled(snapshotIdProblem, "an RDS snapshot identifier").optional(),
    /**
     * Set by `restore tenant --restore-secrets`: the admin-token secret is the tenant's old one, brought back from its
     * recovery window, so the program keeps its name and value (no new token is written). Cleared by a restore that
     * gives the tenant new secrets.
     */
    adoptedAdminTokenSecretArn: ruled(secretArnProblem, "a Secrets Manager secret ARN").optional(),
    /**
     * The immutable id of a tenant born in the warm pool: every physical name derives from it, and the app reads
     * its identity (slug, display name, skin) at run time. Absent for tenants created before the pool (their names
     * derive from the slug and their identity stays in the task's environment).
     */
    tenantId: ruled(tenantIdProblem, "a tenant id").optional(),
    /** An unassigned pool slot: its slug is its tenant id, it has no customer identity and no route. */
    slot: z
      .literal(true, { error: (iss) => `${show(iss.input)} is not allowed for slot (allowed: true, or absent)` })
      .optional(),
  },
  "a tenant spec object",
).superRefine((spec, ctx) => {
  const isPreview = spec.preview !== undefined;
  if (isPreview !== (spec.tier === "preview")) {
    ctx.addIssue({
      code: "custom",
      path: ["tier"],
      message: isPreview
        ? `${show(spec.tier)} cannot carry a preview (allowed: tier "preview" together with preview { branch, expiresAt })`
        : `"preview" needs preview { branch, expiresAt } (allowed: basic, standard, premium without preview)`,
    });
  }
  if (isPreview && spec.adoptedAdminTokenSecretArn !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["adoptedAdminTokenSecretArn"],
      message: `${show(spec.adoptedAdminTokenSecretArn)} cannot be adopted by a preview (allowed: only restored tenants keep an old secret)`,
    });
  }
  if (spec.slot === true && (spec.tenantId === undefined || spec.slug !== spec.tenantId)) {
    ctx.addIssue({
      code: "custom",
      path: ["slot"],
      message: `slug ${show(spec.slug)} and tenantId ${show(spec.tenantId)} must be equal in a pool slot (allowed: a slot named by its tenant id)`,
    });
  }
  if (isPreview && spec.tenantId !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["tenantId"],
      message: `${show(spec.tenantId)} cannot be given to a preview (allowed: only tenants come from the warm pool)`,
    });
  }
  if (isPreview && spec.restoreFromSnapshot !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["restoreFromSnapshot"],
      message: `${show(spec.restoreFromSnapshot)} cannot seed a preview (allowed: only tenants restore from snapshots)`,
    });
  }
});

/** Optional fields are absent or set, never explicitly undefined, so specs round-trip through JSON unchanged. */
export type TenantSpec = z.output<typeof TenantSpecSchema>;
export type TenantSpecInput = z.input<typeof TenantSpecSchema>;

/** Validates anything (CLI flags, a stack's `spec` output) into a TenantSpec or throws SpecValidationError. */
export function parseTenantSpec(input: unknown): TenantSpec {
  const result = TenantSpecSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join(".") : "spec";
    return `${field}: ${issue.message}`;
  });
  throw new SpecValidationError(problems);
}
