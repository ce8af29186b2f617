import * as fs from "node:fs";
import { CliError } from "../errors";

/**
 * `--policy-pack-config` files and the engine's reconciliation of them with each pack's defaults, as pulumi 3.248
 * does it (pkg/resource/analyzer/config.go: parsePolicyPackConfig, ReconcilePolicyPackConfig, applyConfig).
 * Pure: no Pulumi, no gRPC.
 */
export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

export interface PolicyConfig {
  enforcementLevel?: EnforcementLevel;
  properties?: Record<string, unknown>;
}

/** What GetAnalyzerInfo says about one policy: its default level and its config schema's properties. */
export interface PolicyInfo {
  name: string;
  enforcementLevel: EnforcementLevel;
  schema?: { properties: Record<string, Record<string, unknown>>; required: string[] };
}

const isLevel = (v: unknown): v is EnforcementLevel =>
  typeof v === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(v);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** pkg/cmd/pulumi/operations: `--policy-pack-config` pairs with `--policy-pack` by position. */
export function checkPolicyPackFlags(packs: readonly string[], configs: readonly string[]): void {
  if (configs.length === 0) return;
  if (packs.length === 0) throw new CliError(`"--policy-pack-config" must be specified with "--policy-pack"`);
  if (configs.length !== packs.length) {
    throw new CliError(`the number of "--policy-pack-config" flags must match the number of "--policy-pack" flags`);
  }
}

/** A config file's JSON: `{ "<policy>": "<level>" | { "enforcementLevel"?: "<level>", ...properties }, "all": "<level>" }`. */
export function parsePolicyPackConfig(text: string): Record<string, PolicyConfig> {
  if (text.trim() === "") return {};
  const raw = JSON.parse(text) as unknown;
  if (!isObject(raw))
    throw new Error(
      `json: cannot unmarshal ${Array.isArray(raw) ? "array" : typeof raw} into Go value of type map[string]interface {}`,
    );
  const out: Record<string, PolicyConfig> = {};
  for (const [k, v] of Object.entries(raw)) {
    let level: EnforcementLevel | undefined;
    let properties: Record<string, unknown> | undefined;
    if (typeof v === "string") {
      if (!isLevel(v)) throw new Error(`parsing enforcement level for "${k}": "${v}" is not a valid enforcement level`);
      level = v;
    } else if (isObject(v)) {
      const { enforcementLevel, ...rest } = v;
      if (enforcementLevel !== undefined) {
        if (typeof enforcementLevel !== "string") {
          throw new Error(
            `parsing enforcement level for "${k}": ${JSON.stringify(enforcementLevel)} is not a valid enforcement level; must be a string`,
          );
        }
        if (!isLevel(enforcementLevel)) {
          throw new Error(
            `parsing enforcement level for "${k}": "${enforcementLevel}" is not a valid enforcement level`,
          );
        }
        level = enforcementLevel;
      }
      if (Object.keys(rest).length > 0) properties = rest;
    } else {
      throw new Error(`parsing "${k}": ${JSON.stringify(v)} is not a valid value; must be a string or object`);
    }
    if (level === undefined && properties === undefined) continue;
    out[k] = { enforcementLevel: level, properties };
  }
  return out;
}

export function loadPolicyPackConfig(file: string): Record<string, PolicyConfig> {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new CliError(`open ${file}: no such file or directory`);
  }
  try {
    return parsePolicyPackConfig(text);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

function applyConfig(result: Record<string, PolicyConfig>, given: Record<string, PolicyConfig>): void {
  const all = given.all?.enforcementLevel;
  if (all) for (const k of Object.keys(result)) result[k] = { ...result[k], enforcementLevel: all };
  for (const [policy, cfg] of Object.entries(given)) {
    const cur = result[policy] ?? {};
    const properties = cfg.properties ? { ...(cur.properties ?? {}), ...cfg.properties } : cur.properties;
    result[policy] = { enforcementLevel: cfg.enforcementLevel ?? cur.enforcementLevel, properties };
  }
}

/**
 * Defaults from each policy's schema, then the pack's initial config, then the file's; the result is checked against
 * each schema's `required` and property `type`s (the real engine runs full JSON Schema; these are the parts a policy
 * pack in this repository uses).
 */
export function reconcilePolicyConfig(
  policies: readonly PolicyInfo[],
  initial: Record<string, PolicyConfig>,
  given: Record<string, PolicyConfig>,
): { config: Record<string, PolicyConfig>; errors: string[] } {
  const result: Record<string, PolicyConfig> = {};
  for (const p of policies) {
    const defaults = Object.entries(p.schema?.properties ?? {}).filter(([, s]) => "default" in s);
    result[p.name] = {
      enforcementLevel: p.enforcementLevel,
      properties: defaults.length > 0 ? Object.fromEntries(defaults.map(([k, s]) => [k, s.default])) : undefined,
    };
  }
  applyConfig(result, initial);
  applyConfig(result, given);
  const errors: string[] = [];
  for (const p of policies) {
    if (!p.schema) continue;
    const props = result[p.name]?.properties ?? {};
    for (const r of p.schema.required) if (!(r in props)) errors.push(`${p.name}: ${r} is required`);
    for (const [k, v] of Object.entries(props)) {
      const type = p.schema.properties[k]?.type;
      if (typeof type === "string" && !matchesType(v, type))
        errors.push(`${p.name}: ${k}: Invalid type. Expected: ${type}, given: ${jsonType(v)}`);
    }
  }
  return { config: result, errors };
}

function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v === "object" ? "object" : typeof v;
}

function matchesType(v: unknown, type: string): boolean {
  const actual = jsonType(v);
  return actual === type || (type === "number" && actual === "integer");
}
