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
import { stackExists } from "../store/stack-files";
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

/** Where each workspace openWorkspace made keeps its stacks, so a missing stack is known without a pulumi process. */
const workspaceHomes = new WeakMap<LocalWorkspace, { readonly backend: BackendLocation; readonly project: string }>();

export async function openWorkspace(
  ctx: WorkspaceContext,
  project: string,
  program: PulumiFn | undefined,
): Promise<LocalWorkspace> {
  const { LocalWorkspace } = await automationSdk();
  const workDir = projectWorkDir(ctx.env, ctx.cwd, project);
  await ensureProjectFile(workDir, project, ctx.backend.url);
  if (ctx.backend.fileRoot !== undefined) await mkdir(ctx.backend.fileRoot, { recursive: true });
  const workspace = await LocalWorkspace.create({
    workDir,
    pulumiCommand: ctx.pulumi,
    envVars: engineEnv(ctx),
    ...(ctx.secrets.secretsProvider === undefined ? {} : { secretsProvider: ctx.secrets.secretsProvider }),
    ...(program === undefined ? {} : { program }),
  });
  workspaceHomes.set(workspace, { backend: ctx.backend, project });
  return workspace;
}

/**
 * Selects an existing stack; undefined when the backend has no such stack. Where the backend's stack list can be read
 * (file://, s3://: cli/store/stack-files.ts), a stack it does not hold costs no pulumi process.
 */
export async function selectExisting(workspace: LocalWorkspace, stackName: string): Promise<Stack | undefined> {
  const { Stack, StackNotFoundError } = await automationSdk();
  const home = workspaceHomes.get(workspace);
  if (home !== undefined && (await stackExists(home.backend, home.project, stackName)) === false) return undefined;
  try {
    return await Stack.select(stackName, workspace);
  } catch (error: unknown) {
    if (error instanceof StackNotFoundError) return undefined;
    throw error;
  }
}

/**
 * Callers select first (selectExisting found no stack), so this goes straight to `stack init` — the SDK's createOrSelect
 * would run a `stack select` that fails first. A stack created meanwhile by someone else is selected instead. It is
 * created only after the passphrase proved it opens the backend's stacks.
 */
export async function createOrSelect(workspace: LocalWorkspace, stackName: string): Promise<Stack> {
  const { Stack, StackAlreadyExistsError } = await automationSdk();
  await assertPassphraseForEngineEnv(workspace.envVars, workspace.workDir, workspace.secretsProvider);
  try {
    return await Stack.create(stackName, workspace);
  } catch (error: unknown) {
    if (error instanceof StackAlreadyExistsError) return Stack.select(stackName, workspace);
    throw error;
  }
}

/**
 * Sets the stack's `aws:region` unless its settings file (Pulumi.<stack>.yaml in the work directory, where `pulumi
 * config set` writes it; read in-process) already holds that value: then `config set` would change nothing.
 */
export async function ensureRegion(stack: Stack, region: string): Promise<void> {
  const settings = await stack.workspace.stackSettings(stack.name).catch(() => undefined);
  if (settings?.config?.["aws:region"] === region) return;
  await stack.setConfig("aws:region", { value: region });
}
