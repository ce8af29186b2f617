// Security rules for our workflows, each returning one line per breach so a failing test says what to fix.
// They encode GitHub's hardening guide: least-privilege tokens, pinned actions, no script injection, no secret echo.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { validateWorkflow } from "@action-validator/core";
import YAML from "yaml";
import { workflowSchema, type Job, type Step, type Workflow } from "./workflow-schema";

export interface LoadedWorkflow {
  readonly file: string;
  readonly text: string;
}

export function loadWorkflows(dir: string): LoadedWorkflow[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((file) => ({ file, text: readFileSync(join(dir, file), "utf8") }));
}

/** YAML syntax (duplicate keys are errors), then our strict subset. Throws with every problem listed. */
export function parseWorkflow(text: string): Workflow {
  const doc = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const yamlProblems = [...doc.errors, ...doc.warnings].map((e) => e.message);
  if (yamlProblems.length > 0) throw new Error(`YAML: ${yamlProblems.join("; ")}`);
  const parsed = workflowSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; "));
  }
  return parsed.data;
}

/** GitHub's workflow JSON schema (SchemaStore's, compiled into @action-validator/core). */
export function officialSchemaProblems(text: string): string[] {
  const flatten = (errors: ReturnType<typeof validateWorkflow>["errors"]): string[] =>
    errors.flatMap((e) => [
      `${"path" in e ? e.path : ""} ${e.title}${e.detail === undefined ? "" : `: ${e.detail}`}`.trim(),
      ...("states" in e && e.states !== undefined ? e.states.flatMap((s) => flatten(s.errors)) : []),
    ]);
  return flatten(validateWorkflow(text).errors);
}

const jobsOf = (wf: Workflow): [string, Job][] => Object.entries(wf.jobs);
const stepsOf = (wf: Workflow): [string, Step][] =>
  jobsOf(wf).flatMap(([id, job]) => job.steps.map((s): [string, Step] => [id, s]));
const stepLabel = (jobId: string, step: Step): string => `${jobId}/${step.name ?? step.id ?? step.uses ?? "run"}`;

export function permissionProblems(wf: Workflow): string[] {
  const problems: string[] = [];
  if (wf.permissions === "write-all") problems.push("workflow: permissions write-all");
  for (const [id, job] of jobsOf(wf)) {
    if (job.permissions === undefined && wf.permissions === undefined)
      problems.push(`${id}: no permissions on the job or the workflow`);
    if (job.permissions === "write-all") problems.push(`${id}: permissions write-all`);
    const effective = job.permissions ?? wf.permissions;
    const wantsOidc = job.steps.some((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@") === true);
    const hasOidc = typeof effective === "object" && effective["id-token"] === "write";
    if (hasOidc && !wantsOidc) problems.push(`${id}: id-token write without an OIDC login`);
    if (wantsOidc && !hasOidc) problems.push(`${id}: OIDC login without id-token write`);
  }
  return problems;
}

const PINNED = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(\/[A-Za-z0-9_./-]+)?@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/;

export function pinningProblems(wf: Workflow): string[] {
  return stepsOf(wf)
    .filter(
      ([, s]) =>
        s.uses !== undefined &&
        !s.uses.startsWith("./") &&
        !/^docker:\/\/.+@sha256:[0-9a-f]{64}$/.test(s.uses) &&
        !PINNED.test(s.uses),
    )
    .map(([id, s]) => `${stepLabel(id, s)}: ${s.uses ?? ""} is not pinned to a version tag or a commit SHA`);
}

/** Contexts an outsider controls (GitHub's list of untrusted input), for the message only: every `${{` in run is refused. */
const UNTRUSTED =
  /github\.head_ref|github\.event\.(pull_request|issue|comment|review|review_comment|discussion|pages|commits|head_commit)\b/;

export function injectionProblems(wf: Workflow): string[] {
  return stepsOf(wf)
    .filter(([, s]) => s.run?.includes("${{") === true)
    .map(([id, s]) => {
      const why = UNTRUSTED.test(s.run ?? "")
        ? "interpolates untrusted input (script injection)"
        : "interpolates an expression";
      return `${stepLabel(id, s)}: run ${why}; pass it through env: and use "$NAME"`;
    });
}

/** Tools read secrets from their environment; a script naming a secret's variable is one `echo` from leaking it. */
export function secretProblems(wf: Workflow): string[] {
  const problems: string[] = [];
  const secretVars = (env: Record<string, unknown> | undefined): string[] =>
    Object.entries(env ?? {})
      .filter(([, v]) => typeof v === "string" && /\bsecrets\./.test(v))
      .map(([k]) => k);
  for (const [id, job] of jobsOf(wf)) {
    for (const step of job.steps) {
      const names = [...secretVars(wf.env), ...secretVars(job.env), ...secretVars(step.env)];
      for (const name of names) {
        if (step.run !== undefined && new RegExp(`\\$\\{?${name}\\b`).test(step.run))
          problems.push(`${stepLabel(id, step)}: run reads secret variable ${name}`);
      }
    }
    if (secretVars(job.env).length > 0)
      problems.push(`${id}: secrets in job env reach every step; give them to the steps that need them`);
  }
  if (secretVars(wf.env).length > 0) problems.push("workflow: secrets in workflow env reach every step of every job");
  return problems;
}

export function policyProblems(wf: Workflow): string[] {
  return [...permissionProblems(wf), ...pinningProblems(wf), ...injectionProblems(wf), ...secretProblems(wf)];
}
