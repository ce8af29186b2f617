/**
 * The project's `config:` schema (Pulumi.yaml) applied to a stack's config the way the real CLI does before
 * up/preview/refresh/destroy (pulumi/pulumi sdk/go/common/workspace: mergeConfig, validateStackConfigValue,
 * ValidateConfigValue; pkg/cmd/pulumi wraps the error as "validating stack config: …"):
 * - a key of the project's namespace declared without `default` or `value` and absent from the stack is required;
 *   all missing keys are reported in one error, sorted: `Stack 'dev' is missing configuration values 'a', 'b' and 'c'`;
 * - absent keys with a `default` (or `value`) get it, and the program sees it;
 * - explicitly typed keys are checked: `secret: true` must be `secure:`, `integer` must parse as one (strconv.Atoi),
 *   `boolean` must be true/false, `string` must not be structured, `array` must be a list of its `items` type.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CliError } from "../errors";
import type { ProjectSettings, StackRef } from "./project";
import { readYamlFile } from "./project";
import type { ConfigEntry, StackConfigFile } from "./stack-config";

interface ItemsType {
  readonly type?: unknown;
  readonly items?: ItemsType;
}

interface ConfigDeclaration extends ItemsType {
  readonly default?: unknown;
  readonly value?: unknown;
  readonly secret?: unknown;
}

function projectConfigSchema(project: ProjectSettings): Record<string, unknown> {
  for (const name of ["Pulumi.yaml", "Pulumi.yml", "Pulumi.json"]) {
    const file = path.join(project.dir, name);
    if (!fs.existsSync(file)) continue;
    const raw = (name.endsWith(".json") ? JSON.parse(fs.readFileSync(file, "utf8")) : readYamlFile(file)) as {
      config?: unknown;
    } | null;
    const config = raw?.config;
    // `config: <dir>` is the old spelling of stackConfigDir, not a schema.
    return typeof config === "object" && config !== null && !Array.isArray(config)
      ? (config as Record<string, unknown>)
      : {};
  }
  return {};
}

/** A declaration is either a bare value (shorthand for `value:`) or an object with type/default/value/secret. */
function declaration(raw: unknown): ConfigDeclaration {
  if (typeof raw === "object" && raw !== null && !Array.isArray(raw)) return raw as ConfigDeclaration;
  return { value: raw };
}

function formatKeys(keys: string[]): string {
  if (keys.length === 1) return `'${keys[0]}'`;
  const sorted = [...keys].sort();
  return `${sorted
    .slice(0, -1)
    .map((k) => `'${k}'`)
    .join(", ")} and '${sorted[sorted.length - 1]}'`;
}

function typeName(t: ItemsType): string {
  return t.items !== undefined ? `array<${typeName(t.items)}>` : String(t.type);
}

function validValue(t: ItemsType, value: unknown): boolean {
  switch (t.type) {
    case "string":
      return typeof value === "string";
    case "integer":
      if (typeof value === "number") return Number.isInteger(value);
      return typeof value === "string" && /^[+-]?\d+$/.test(value);
    case "boolean":
      return typeof value === "boolean" || value === "true" || value === "false";
    default:
      return Array.isArray(value) && t.items !== undefined && value.every((v) => validValue(t.items as ItemsType, v));
  }
}

const primitive = (v: unknown): boolean => v === null || ["string", "number", "boolean"].includes(typeof v);

/**
 * The stack's config entries with the project's defaults applied, or a CliError with the real CLI's message.
 * `cfg` is the stack file as read (to tell structured and `secure:` values from plain ones).
 */
export function applyProjectConfig(
  project: ProjectSettings,
  ref: StackRef,
  cfg: StackConfigFile,
  entries: Record<string, ConfigEntry>,
): Record<string, ConfigEntry> {
  const schema = projectConfigSchema(project);
  const raw = cfg.config ?? {};
  const merged: Record<string, ConfigEntry> = { ...entries };
  const missing: string[] = [];
  const keys = Object.keys(schema).sort();
  for (const key of keys) {
    const decl = declaration(schema[key]);
    const full = key.includes(":") ? key : `${project.name}:${key}`;
    if (full in entries) continue;
    const fallback = decl.default !== undefined ? decl.default : decl.value;
    if (fallback === undefined) {
      if (full.startsWith(`${project.name}:`)) missing.push(key);
      continue;
    }
    merged[full] = { value: primitive(fallback) ? String(fallback) : JSON.stringify(fallback), secret: false };
  }
  const fail = (message: string): CliError => new CliError(`validating stack config: ${message}`);
  if (missing.length > 0) {
    throw fail(
      `Stack '${ref.stack}' is missing configuration ${missing.length > 1 ? "values" : "value"} ${formatKeys(missing)}`,
    );
  }
  for (const key of keys) {
    const decl = declaration(schema[key]);
    if (decl.type === undefined) continue;
    const full = key.includes(":") ? key : `${project.name}:${key}`;
    const stackRaw = raw[full];
    const entry = merged[full];
    if (entry === undefined) continue;
    const secure = typeof stackRaw === "object" && stackRaw !== null && "secure" in stackRaw;
    if (decl.secret === true && !secure) {
      throw fail(`Stack '${ref.stack}' with configuration key '${key}' must be encrypted as it's secret`);
    }
    const structured = stackRaw !== undefined && !secure && !primitive(stackRaw);
    const content: unknown = structured ? stackRaw : entry.value;
    if (!validValue(decl, content)) {
      throw fail(`Stack '${ref.stack}' with configuration key '${key}' must be of type '${typeName(decl)}'`);
    }
  }
  return merged;
}
