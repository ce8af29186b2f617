// The subset of GitHub's workflow syntax this repository uses, strict so that a misspelt key fails here even where
// the official schema (checked separately) would tolerate it, and typed so the policy checks read plain fields.
import { z } from "zod";

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const stringMap = z.record(z.string(), scalar);
const condition = z.union([z.string(), z.boolean()]);

const PERMISSION_SCOPES = [
  "actions",
  "attestations",
  "checks",
  "contents",
  "deployments",
  "id-token",
  "issues",
  "discussions",
  "packages",
  "pages",
  "pull-requests",
  "repository-projects",
  "security-events",
  "statuses",
] as const;
export const permissionsSchema = z.union([
  z.enum(["read-all", "write-all"]),
  z.partialRecord(z.enum(PERMISSION_SCOPES), z.enum(["read", "write", "none"])),
]);

const concurrencySchema = z.union([
  z.string(),
  z.strictObject({ group: z.string().min(1), "cancel-in-progress": condition.optional() }),
]);

export const stepSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/)
      .optional(),
    name: z.string().optional(),
    if: condition.optional(),
    uses: z.string().optional(),
    with: stringMap.optional(),
    run: z.string().optional(),
    shell: z.string().optional(),
    env: stringMap.optional(),
    "working-directory": z.string().optional(),
    "continue-on-error": condition.optional(),
    "timeout-minutes": z.number().int().positive().optional(),
  })
  .refine((s) => (s.uses === undefined) !== (s.run === undefined), {
    message: "a step has exactly one of `uses` and `run`",
  });

const containerSchema = z.strictObject({
  image: z.string(),
  env: stringMap.optional(),
  ports: z.array(z.union([z.string(), z.number()])).optional(),
  options: z.string().optional(),
  volumes: z.array(z.string()).optional(),
});

export const jobSchema = z.strictObject({
  name: z.string().optional(),
  "runs-on": z.union([z.string(), z.array(z.string()).min(1)]),
  if: condition.optional(),
  needs: z.union([z.string(), z.array(z.string())]).optional(),
  permissions: permissionsSchema.optional(),
  concurrency: concurrencySchema.optional(),
  strategy: z
    .strictObject({
      matrix: z.union([z.string(), z.record(z.string(), z.union([z.string(), z.array(scalar)]))]),
      "fail-fast": condition.optional(),
      "max-parallel": z.union([z.number().int().positive(), z.string()]).optional(),
    })
    .optional(),
  // House rule: GitHub's default is 6 hours, and a stuck `pulumi up` would hold the stack lock all that time.
  "timeout-minutes": z.number().int().positive().max(180),
  container: z.union([z.string(), containerSchema]).optional(),
  services: z.record(z.string(), containerSchema).optional(),
  env: stringMap.optional(),
  outputs: z.record(z.string(), z.string()).optional(),
  environment: z.union([z.string(), z.strictObject({ name: z.string(), url: z.string().optional() })]).optional(),
  steps: z.array(stepSchema).min(1),
});

const filters = {
  branches: z.array(z.string()).optional(),
  "branches-ignore": z.array(z.string()).optional(),
  paths: z.array(z.string()).optional(),
  "paths-ignore": z.array(z.string()).optional(),
};

const PULL_REQUEST_TYPES = [
  "assigned",
  "unassigned",
  "labeled",
  "unlabeled",
  "opened",
  "edited",
  "closed",
  "reopened",
  "synchronize",
  "converted_to_draft",
  "ready_for_review",
  "locked",
  "unlocked",
  "review_requested",
  "review_request_removed",
  "auto_merge_enabled",
  "auto_merge_disabled",
] as const;

const dispatchInput = z.strictObject({
  description: z.string().optional(),
  required: z.boolean().optional(),
  type: z.enum(["boolean", "choice", "number", "environment", "string"]).optional(),
  default: scalar.optional(),
  options: z.array(z.string()).optional(),
});

export const onSchema = z.strictObject({
  push: z
    .strictObject({ ...filters, tags: z.array(z.string()).optional() })
    .nullable()
    .optional(),
  pull_request: z
    .strictObject({ ...filters, types: z.array(z.enum(PULL_REQUEST_TYPES)).min(1).optional() })
    .nullable()
    .optional(),
  schedule: z
    .array(z.strictObject({ cron: z.string().regex(/^(\S+\s+){4}\S+$/, "five cron fields") }))
    .min(1)
    .optional(),
  workflow_dispatch: z
    .strictObject({ inputs: z.record(z.string(), dispatchInput).optional() })
    .nullable()
    .optional(),
});

export const workflowSchema = z.strictObject({
  name: z.string().min(1),
  on: onSchema,
  permissions: permissionsSchema.optional(),
  concurrency: concurrencySchema.optional(),
  env: stringMap.optional(),
  jobs: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/), jobSchema)
    .refine((jobs) => Object.keys(jobs).length > 0, "no jobs"),
});

export type Workflow = z.output<typeof workflowSchema>;
export type Job = z.output<typeof jobSchema>;
export type Step = z.output<typeof stepSchema>;
