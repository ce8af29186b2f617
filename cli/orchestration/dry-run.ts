/**
 * The preview of a stack that does not exist yet (`provision tenant --dry-run` of a new tenant). A preview needs a
 * stack, and creating one in the real backend then removing it leaves `.pulumi/backups/<project>/<stack>/…` behind
 * (`stack rm` backs the stack up first). So the preview runs against a throw-away file backend and work directory
 * in the system's temp folder, removed afterwards: the real backend and TENANTCTL_HOME stay byte-identical.
 * The tenant program gets the shared outputs as values, so it needs nothing else from the real backend.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SharedOutputs } from "../../infra/shared/outputs";
import type { TenantSpec } from "../../infra/spec";
import { runEngine, type EngineOutcome } from "./run-engine";
import type { EngineSession } from "./session";
import { openTenantStack, type TenantTarget } from "./tenant-stack";

export async function previewNewStack(
  session: EngineSession,
  target: TenantTarget,
  spec: TenantSpec,
  shared: SharedOutputs,
  run: { readonly retry: string; readonly refresh: boolean },
): Promise<EngineOutcome<unknown>> {
  const scratch = await mkdtemp(join(tmpdir(), "tenantctl-dry-run-"));
  try {
    const state = join(scratch, "state");
    const workspace = {
      ...session.workspace,
      env: { ...session.workspace.env, TENANTCTL_HOME: join(scratch, "home") },
      backend: { url: `file://${state}`, defaulted: false, fileRoot: state },
    };
    const { stack } = await openTenantStack({ ...session, workspace }, target, spec, shared);
    return await runEngine(
      {
        io: session.io,
        project: target.project,
        stack: target.stack,
        fileRoot: state,
        retry: run.retry,
        title: `previewing ${target.slug} (${target.stack}, a new stack: planned in a scratch backend)`,
      },
      (o) => stack.preview({ ...o, diff: true, refresh: run.refresh }),
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
