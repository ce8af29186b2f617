/**
 * One stable work directory per Pulumi project (not a temp dir per call: the Automation API leaks those and
 * loses per-stack settings). Pulumi.yaml is written atomically and only when it changes, so concurrent
 * tenantctl processes sharing the directory never read a half-written file.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { LocalWorkspace, PulumiCommand, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import type { BackendLocation } from "../store/backend";
import { projectWorkDir } from "../store/backend";
import type { SecretsSetup } from "./prerequisites";
import { assertPassphraseForEngineEnv } from "./passphrase";
import { automationSdk } from "./pulumi-sdk";

export interface WorkspaceContext {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly backend: BackendLocation;
  readonly secrets: SecretsSetup;
  readonly pulumi: PulumiCommand;
}

function projectYaml(project: string, backendUrl: string): string {
  // JSON is valid YAML; the Automation API reads Pulumi.yaml with a YAML parser.
  return `${JSON.stringify({ name: project, runtime: "nodejs", description: `tenantctl project ${project}`, backend: { url: backendUrl } }, null, 2)}\n`;
}

async function ensureProjectFile(workDir: string, project: string, backendUrl: string): Promise<void> {
  await mkdir(workDir, { recursive: true });
  const target = join(workDir, "Pulumi.yaml");
  const wanted = projectYaml(project, backendUrl);
  const current = await readFile(target, "utf8").catch(() => undefined);
  if (current === wanted) return;
  const temp = `${target}.${process.pid}.tmp`;
  await writeFile(temp, wanted, "utf8");
  await rename(temp, target);
}

/** What the pulumi CLI needs from tenantctl's environment (which may not be process.env in tests). */
export function engineEnv(ctx: WorkspaceContext): Record<string, string> {
  const vars: Record<string, string> = { PULUMI_BACKEND_URL: ctx.backend.url, PULUMI_SKIP_UPDATE_CHECK: "true" };
  for (const key of ["PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE"]) {
    const value = ctx.env[key];
    if (value !== undefined) vars[key] = value;
  }
  return vars;
}

export async function openWorkspace(
  ctx: WorkspaceContext,
  project: string,
  program: PulumiFn | undefined,
): Promise<LocalWorkspace> {
  const { LocalWorkspace } = await automationSdk();
  const workDir = projectWorkDir(ctx.env, ctx.cwd, project);
  await ensureProjectFile(workDir, project, ctx.backend.url);
  if (ctx.backend.fileRoot !== undefined) await mkdir(ctx.backend.fileRoot, { recursive: true });
  return LocalWorkspace.create({
    workDir,
    pulumiCommand: ctx.pulumi,
    envVars: engineEnv(ctx),
    ...(ctx.secrets.secretsProvider === undefined ? {} : { secretsProvider: ctx.secrets.secretsProvider }),
    ...(program === undefined ? {} : { program }),
  });
}

/** Selects an existing stack; undefined when the backend has no such stack. */
export async function selectExisting(workspace: LocalWorkspace, stackName: string): Promise<Stack | undefined> {
  const { Stack, StackNotFoundError } = await automationSdk();
  try {
    return await Stack.select(stackName, workspace);
  } catch (error: unknown) {
    if (error instanceof StackNotFoundError) return undefined;
    throw error;
  }
}

/** Callers select first; a stack is created only after the passphrase proved it opens the backend's stacks. */
export async function createOrSelect(workspace: LocalWorkspace, stackName: string): Promise<Stack> {
  const { Stack } = await automationSdk();
  await assertPassphraseForEngineEnv(workspace.envVars, workspace.workDir, workspace.secretsProvider);
  return Stack.createOrSelect(stackName, workspace);
}
