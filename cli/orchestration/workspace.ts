/**
 * One stable work directory per Pulumi project (not a temp dir per call: the Automation API leaks those and
 * loses per-stack settings). Pulumi.yaml is written atomically and only when it changes, so concurrent
 * tenantctl processes sharing the directory never read a half-written file.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { LocalWorkspace, OutputMap, PulumiCommand, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import type { BackendLocation } from "../store/backend";
import { projectWorkDir } from "../store/backend";
import { stackExists } from "../store/stack-files";
import type { SecretsSetup } from "./prerequisites";
import { assertPassphraseForEngineEnv } from "./passphrase";
import { automationSdk } from "./pulumi-sdk";
import type { RunFn } from "./engine-process";

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

/**
 * Replaces a file whole (temp file + rename): a concurrent reader sees the old content or the new, never half; two
 * writers never share a temp file (as in cli/store/records.ts).
 */
async function writeAtomically(target: string, content: string): Promise<void> {
  const temp = `${target}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(temp, content, "utf8");
  await rename(temp, target);
}

async function ensureProjectFile(workDir: string, project: string, backendUrl: string): Promise<void> {
  await mkdir(workDir, { recursive: true });
  const target = join(workDir, "Pulumi.yaml");
  const wanted = projectYaml(project, backendUrl);
  const current = await readFile(target, "utf8").catch(() => undefined);
  if (current === wanted) return;
  await writeAtomically(target, wanted);
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
  // One `pulumi stack output` per read instead of the SDK's two (masked, then --show-secrets), here and inside the
  // SDK's own up(), which reads the outputs for its result: tenantctl uses their plain values only.
  workspace.stackOutputs = async (stackName) => markedSecret(await plainStackOutputs(workspace, stackName));
  return workspace;
}

/**
 * The stack's outputs as plain values, with one `pulumi stack output --json --show-secrets` (the SDK's second call),
 * run the way the SDK's LocalWorkspace runs its commands (same command, work directory and variables). A stack that
 * does not exist fails with the SDK's StackNotFoundError, as the SDK's stackOutputs does (its createCommandError).
 */
async function plainStackOutputs(workspace: LocalWorkspace, stackName: string): Promise<Record<string, unknown>> {
  const env = {
    ...(workspace.pulumiHome === undefined ? {} : { PULUMI_HOME: workspace.pulumiHome }),
    ...workspace.envVars,
  };
  const run = (workspace.pulumiCommand as unknown as { run: RunFn }).run.bind(workspace.pulumiCommand);
  const result = (await run(
    ["stack", "output", "--json", "--show-secrets", "--stack", stackName],
    workspace.workDir,
    env,
  )) as { stdout: string };
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

/** Read with --show-secrets alone, which outputs are secret is unknown: each is marked secret, so none is shown by mistake. */
function markedSecret(values: Record<string, unknown>): OutputMap {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, { value, secret: true }]));
}

/** The SDK's own stackOutputs (two `pulumi stack output` calls), for where which outputs are secret matters (status). */
export async function outputsWithSecretFlags(workspace: LocalWorkspace, stackName: string): Promise<OutputMap> {
  const { LocalWorkspace } = await automationSdk();
  return LocalWorkspace.prototype.stackOutputs.call(workspace, stackName);
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
 * Sets the stack's `aws:region` in its settings file, Pulumi.<stack>.yaml in the work directory: the file `pulumi
 * config set` writes and every later command reads. Nothing is written when it holds that value already. Where the file
 * exists (always after `stack init`, which writes the secrets setup there) and the backend keeps no config of its own
 * (DIY backends: Pulumi Cloud may hold a stack's config instead of the file), the key is set in-process, as
 * `config set --plaintext` would (`config: {aws:region: <region>}`; the rest of the file is kept as it was, comments
 * included), so no pulumi process starts. Otherwise `pulumi config set` does it.
 */
export async function ensureRegion(stack: Stack, region: string): Promise<void> {
  const file = join(stack.workspace.workDir, `Pulumi.${stack.name.split("/").pop() ?? stack.name}.yaml`);
  const text = await readFile(file, "utf8").catch(() => undefined);
  // The YAML parser loads here, for the commands that run the engine, not in every command that opens a workspace.
  const { isMap, parseDocument } = await import("yaml");
  const doc = text === undefined ? undefined : parseDocument(text);
  if (doc !== undefined && doc.errors.length === 0 && (doc.contents === null || isMap(doc.contents))) {
    // No `config:` yet, or a map of keys; anything else (`config:` with no value) is left to `pulumi config set`.
    if (!doc.has("config") || isMap(doc.get("config", true))) {
      if (doc.getIn(["config", "aws:region"]) === region) return;
      const home = workspaceHomes.get(stack.workspace as LocalWorkspace);
      if (home !== undefined && !/^https?:\/\//.test(home.backend.url)) {
        doc.setIn(["config", "aws:region"], region);
        await writeAtomically(file, String(doc));
        return;
      }
    }
  }
  await stack.setConfig("aws:region", { value: region });
}
