/**
 * The shared stack (project tenantctl-shared, one stack per env): its outputs feed every tenant program, and
 * `tenantctl shared up|preview|down` runs the same program as `pulumi up -s <env>` at the repo root.
 */
import type { OutputMap } from "@pulumi/pulumi/automation";
import type { SharedConfig } from "../../infra/shared/config";
import type { SharedOutputs } from "../../infra/shared/outputs";
import { PrerequisiteError } from "../errors";
import { SHARED_PROJECT } from "./projects";
import { beforeSdkLoad } from "./pulumi-sdk";
import { runEngine, type EngineOutcome } from "./run-engine";
import type { EngineSession } from "./session";
import { createOrSelect, ensureRegion, openWorkspace, selectExisting } from "./workspace";
import { stackExists } from "../store/stack-files";
import { automationSdk } from "./pulumi-sdk";
import { parseSharedOutputs } from "../../infra/shared/outputs";
import { SharedConfigError } from "../../infra/errors";
import { certificateRecordPrinter } from "./certificate-records";

export function plainOutputs(outputs: OutputMap): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.value]));
}

export async function readSharedOutputs(session: EngineSession, env: string): Promise<SharedOutputs> {
  const workspace = await openWorkspace(session.workspace, SHARED_PROJECT, undefined);
  // Outputs need no selected stack: where the backend's stack list says it exists, `stack select` is skipped. Plain
  // values only: one `stack output --show-secrets` (the workspace's stackOutputs, cli/orchestration/workspace.ts).
  const known = (await stackExists(session.backend, SHARED_PROJECT, env)) === true;
  const stack = known ? undefined : await selectExisting(workspace, env);
  const fix = `create it first: tenantctl shared up --env ${env}\nto see a tenant's plan without it: tenantctl synth tenant <slug>`;
  if (!known && stack === undefined) {
    throw new PrerequisiteError(`the shared stack "${env}" does not exist in ${session.backend.url}`, { hint: fix });
  }
  const { StackNotFoundError } = await automationSdk();
  const outputs = plainOutputs(
    await (stack?.outputs() ?? workspace.stackOutputs(env)).catch((error: unknown) => {
      // Removed since the list was read: as if it had never been there.
      if (error instanceof StackNotFoundError)
        throw new PrerequisiteError(`the shared stack "${env}" does not exist in ${session.backend.url}`, {
          hint: fix,
        });
      throw error;
    }),
  );
  try {
    return parseSharedOutputs(outputs);
  } catch (error: unknown) {
    if (!(error instanceof SharedConfigError)) throw error;
    throw new PrerequisiteError(
      `the shared stack "${env}" has no usable outputs (${error.problems[0] ?? "incomplete"})`,
      {
        hint: `bring it up to date: tenantctl shared up --env ${env}`,
      },
    );
  }
}

export type SharedAction = "up" | "preview" | "down";

export interface SharedRun {
  readonly action: SharedAction;
  readonly config: SharedConfig;
}

export interface SharedResult {
  readonly stack: string;
  readonly action: SharedAction;
  readonly changes: Record<string, number>;
  readonly outputs: Record<string, unknown>;
}

export async function runShared(session: EngineSession, run: SharedRun): Promise<SharedResult> {
  beforeSdkLoad();
  const { sharedProgram } = await import("../../infra/shared/program");
  const env = run.config.env;
  const workspace = await openWorkspace(session.workspace, SHARED_PROJECT, sharedProgram(run.config));
  const existing = await selectExisting(workspace, env);
  if (existing === undefined && run.action === "down") {
    return { stack: env, action: run.action, changes: {}, outputs: {} };
  }
  const stack = existing ?? (await createOrSelect(workspace, env));
  await ensureRegion(stack, run.config.region);
  const engineRun = {
    io: session.io,
    project: SHARED_PROJECT,
    stack: env,
    fileRoot: session.backend.fileRoot,
    retry: `tenantctl shared ${run.action} --env ${env}`,
    title: `shared ${run.action}: stack ${env} in ${session.backend.url}`,
  };
  let outcome: EngineOutcome<unknown>;
  let outputs: Record<string, unknown> = {};
  if (run.action === "up") {
    const records = certificateRecordPrinter(
      (text) => session.io.stderr.write(text),
      run.config.hostedZoneId !== undefined || run.config.certificateArn !== undefined,
    );
    const up = await runEngine(engineRun, (o) =>
      stack.up({
        ...o,
        onEvent: (e) => {
          o.onEvent(e);
          records(e);
        },
      }),
    );
    // The SDK's up() read the outputs after the update already.
    outputs = plainOutputs(up.result.outputs);
    outcome = up;
  } else if (run.action === "preview") outcome = await runEngine(engineRun, (o) => stack.preview(o));
  else outcome = await runEngine(engineRun, (o) => stack.destroy(o));
  return { stack: env, action: run.action, changes: outcome.changes, outputs };
}
