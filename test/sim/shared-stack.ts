import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { parseSharedConfig, type SharedConfig } from "../../infra/shared/config";
import { parseSharedOutputs, type SharedOutputs } from "../../infra/shared/outputs";
import { sharedProgram } from "../../infra/shared/program";
import { synthesize, type SynthResult } from "../../infra/sim/synth";

export const ACCOUNT = { region: "us-east-1", accountId: "123456789012" } as const;
const ROOT = join(__dirname, "..", "..");

export interface SharedStack {
  readonly config: SharedConfig;
  readonly outputs: SharedOutputs;
  readonly result: SynthResult;
}

/** The committed `Pulumi.<env>.yaml`, read the way infra/shared/index.ts reads a stack's config. */
export function committedConfig(env: string): {
  readonly project: string;
  readonly config: SharedConfig;
  readonly raw: Record<string, string>;
} {
  const project = String((parse(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8")) as { name: unknown }).name);
  const file = parse(readFileSync(join(ROOT, `Pulumi.${env}.yaml`), "utf8")) as { config?: Record<string, unknown> };
  const raw = Object.fromEntries(Object.entries(file.config ?? {}).map(([k, v]) => [k, String(v)]));
  const own = Object.fromEntries(
    Object.entries(raw)
      .filter(([k]) => k.startsWith(`${project}:`))
      .map(([k, v]) => [k.slice(project.length + 1), v]),
  );
  return { project, raw, config: parseSharedConfig({ ...own, env, region: raw["aws:region"] }) };
}

/** The shared program for `env`, synthesized from its committed config; its outputs feed the tenant programs. */
export async function sharedStack(env: string): Promise<SharedStack> {
  const { project, config, raw } = committedConfig(env);
  const result = await synthesize(sharedProgram(config), { project, stack: env, ctx: ACCOUNT, config: raw });
  return { config, outputs: parseSharedOutputs(result.outputs), result };
}
