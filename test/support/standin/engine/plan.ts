import * as crypto from "node:crypto";
import * as fs from "node:fs";
import type { ConfigEntry } from "../backend/stack-config";
import type { ProjectSettings, StackRef } from "../backend/project";
import { CliError } from "../errors";
import type { PropertyMap } from "./values";
import { isObject, isSecret, UNKNOWN } from "./values";
import { nameField } from "../../../../infra/sim/aws-model";

/**
 * Update plans (`preview --save-plan`, `up --plan`), checked as the engine's step generator checks them
 * (pkg/resource/deploy/step_generator.go validateSteps, plan.go checkGoal): each resource may take only the planned
 * step (create/update also allow same), a resource without a plan only `same`, and its inputs must be constrained to
 * the planned ones (a value unknown at preview time allows anything). The file is the stand-in's own shape (the
 * real one is apitype.DeploymentPlanV1): a plan saved by the stand-in is for the stand-in. Secret inputs are stored
 * as SHA-256 digests, never in plaintext.
 */
export interface PlannedResource {
  type: string;
  steps: string[];
  inputs?: PropertyMap;
}

export interface PlanFile {
  standinPlan: 1;
  stack: string;
  resourcePlans: Record<string, PlannedResource>;
  config: Record<string, string>;
}

/** A secret leaf as the plan stores it. */
function digestSecrets(v: unknown): unknown {
  if (isSecret(v)) return { secretSha256: crypto.createHash("sha256").update(JSON.stringify(v.value)).digest("hex") };
  if (Array.isArray(v)) return v.map(digestSecrets);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, digestSecrets(x)]));
  return v;
}

/** The steps a preview would take, recorded by the engine for `--save-plan`. */
export class PlanRecorder {
  readonly resources: Record<string, PlannedResource> = {};

  record(urn: string, type: string, op: string, inputs: PropertyMap | undefined): void {
    const rp = (this.resources[urn] ??= { type, steps: [] });
    rp.steps.push(op);
    if (inputs) rp.inputs = digestSecrets(inputs) as PropertyMap;
  }
}

function constrained(actual: unknown, planned: unknown): boolean {
  if (planned === UNKNOWN) return true;
  if (Array.isArray(planned))
    return (
      Array.isArray(actual) && actual.length === planned.length && planned.every((p, i) => constrained(actual[i], p))
    );
  if (isObject(planned)) {
    if (!isObject(actual)) return false;
    const keys = new Set([...Object.keys(planned), ...Object.keys(actual)]);
    return [...keys].every((k) => constrained(actual[k], planned[k]));
  }
  return actual === planned;
}

/** The constraint check; the messages are the engine's. */
export class Plan {
  private readonly remaining = new Map<string, string[]>();

  constructor(private readonly file: PlanFile) {
    for (const [urn, rp] of Object.entries(file.resourcePlans)) this.remaining.set(urn, [...rp.steps]);
  }

  /**
   * The real plan carries the preview's random seed, so auto-names come out the same; here the planned name is
   * reused when the program did not set the name itself.
   */
  seedAutoName(urn: string, type: string, programInputs: PropertyMap, checked: PropertyMap): PropertyMap {
    const field = nameField(type);
    const planned = field === undefined ? undefined : this.file.resourcePlans[urn]?.inputs?.[field];
    if (field === undefined || field in programInputs || typeof planned !== "string" || planned === UNKNOWN)
      return checked;
    return { ...checked, [field]: planned };
  }

  /** Throws the engine's error when `op` on `urn` (with these inputs, for creates and updates) breaks the plan. */
  check(urn: string, op: string, inputs: PropertyMap | undefined): void {
    const rp = this.file.resourcePlans[urn];
    const allowedWith = (constraint: string): boolean =>
      op === constraint ||
      ((constraint === "create" || constraint === "update" || constraint === "replace") && op === "same");
    if (!rp) {
      if (op !== "same") throw new Error(`${op} is not allowed by the plan: no steps were expected for this resource`);
      return;
    }
    const ops = this.remaining.get(urn) ?? [];
    if (ops.length === 0)
      throw new Error(`${op} is not allowed by the plan: no more steps were expected for this resource`);
    const constraint = ops.shift() ?? "";
    if (!allowedWith(constraint))
      throw new Error(`${op} is not allowed by the plan: this resource is constrained to ${constraint}`);
    if (inputs && rp.inputs) {
      const actual = digestSecrets(inputs) as PropertyMap;
      const planned = rp.inputs;
      const paths: string[] = [];
      for (const k of Object.keys(actual)) if (!(k in planned)) paths.push(`+${k}`);
      for (const k of Object.keys(planned)) if (!(k in actual) && planned[k] !== UNKNOWN) paths.push(`-${k}`);
      for (const k of Object.keys(actual)) if (k in planned && !constrained(actual[k], planned[k])) paths.push(`~${k}`);
      if (paths.length > 0) throw new Error(`resource ${urn} violates plan: properties changed: ${paths.join(", ")}`);
    }
  }
}

export function readPlan(file: string, _project: ProjectSettings, ref: StackRef): Plan {
  let parsed: PlanFile;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8")) as PlanFile;
  } catch (err) {
    throw new CliError(`error reading plan file: ${(err as Error).message}`);
  }
  if (parsed.standinPlan !== 1 || !isObject(parsed.resourcePlans)) {
    throw new CliError(
      `error reading plan file: ${file} is not a plan saved by the tenantctl test stand-in's \`preview --save-plan\``,
    );
  }
  if (parsed.stack !== `${ref.project}/${ref.stack}`) {
    throw new CliError(
      `error reading plan file: the plan is for stack '${parsed.stack}', not '${ref.project}/${ref.stack}'`,
    );
  }
  return new Plan(parsed);
}

export function writePlan(
  file: string,
  recorder: PlanRecorder,
  ref: StackRef,
  config: Record<string, ConfigEntry>,
): void {
  const plan: PlanFile = {
    standinPlan: 1,
    stack: `${ref.project}/${ref.stack}`,
    resourcePlans: recorder.resources,
    config: Object.fromEntries(Object.entries(config).map(([k, e]) => [k, e.secret ? "[secret]" : e.value])),
  };
  fs.writeFileSync(file, `${JSON.stringify(plan, null, 4)}\n`);
}
