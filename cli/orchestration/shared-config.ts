/**
 * The shared stack's configuration: the same `Pulumi.<env>.yaml` that `pulumi up -s <env>` at the repo root
 * reads (keys `tenantctl-shared:<key>` and `aws:region`), plus `--config key=value` overrides, parsed with the
 * one schema (infra/shared/config.ts). Problems are usage errors: nothing has been touched yet.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { SharedConfig } from "../../infra/shared/config";
import { UsageError } from "../errors";
import { packageRoot } from "../package-root";
import { SHARED_PROJECT } from "./projects";
import { parse } from "yaml";
import { parseSharedConfig, resolveAppPath } from "../../infra/shared/config";
import { SharedConfigError } from "../../infra/errors";

export interface SharedConfigSource {
  readonly env: string;
  /** Explicit file; default: Pulumi.<env>.yaml next to the root Pulumi.yaml, when it exists. */
  readonly file: string | undefined;
  /** `key=value` pairs from --config, applied last. */
  readonly overrides: readonly string[];
  readonly cwd: string;
}

function configKey(raw: string): string {
  if (raw === "aws:region") return "region";
  if (raw.startsWith(`${SHARED_PROJECT}:`)) return raw.slice(SHARED_PROJECT.length + 1);
  return raw;
}

async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let document: unknown;
  try {
    document = parse(readFileSync(path, "utf8"));
  } catch (error: unknown) {
    throw new UsageError(
      `${path} is not valid YAML (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`,
    );
  }
  const config = (document as { config?: unknown } | null)?.config ?? {};
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new UsageError(`${path}: "config" is not a mapping (allowed: ${SHARED_PROJECT}:<key>: <value>)`);
  }
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key.startsWith("aws:") && key !== "aws:region") continue;
    if (typeof value === "object" && value !== null) {
      throw new UsageError(
        `${path}: ${key} is a secret or structured value; the shared configuration takes plain values only`,
      );
    }
    values[configKey(key)] = value;
  }
  return values;
}

export async function loadSharedConfig(source: SharedConfigSource): Promise<SharedConfig> {
  const defaultFile = join(packageRoot(), `Pulumi.${source.env}.yaml`);
  const file =
    source.file === undefined ? (existsSync(defaultFile) ? defaultFile : undefined) : resolve(source.cwd, source.file);
  if (file !== undefined && !existsSync(file)) throw new UsageError(`--config-file ${file} does not exist`);
  const values: Record<string, unknown> = file === undefined ? {} : await readConfigFile(file);
  for (const pair of source.overrides) {
    const eq = pair.indexOf("=");
    if (eq <= 0)
      throw new UsageError(
        `--config ${JSON.stringify(pair)} is not key=value (allowed: e.g. --config baseDomain=tenants.example.com)`,
      );
    values[configKey(pair.slice(0, eq))] = pair.slice(eq + 1);
  }
  values.env = source.env;
  try {
    return resolveAppPath(parseSharedConfig(values), packageRoot());
  } catch (error: unknown) {
    if (error instanceof SharedConfigError) {
      const where = file === undefined ? `no Pulumi.${source.env}.yaml found` : `from ${file}`;
      throw new UsageError(error.problems.join("\n"), {
        hint: `shared configuration ${where}; set the keys there (${SHARED_PROJECT}:<key>) or pass --config <key>=<value>`,
        details: { problems: error.problems },
      });
    }
    throw error;
  }
}
