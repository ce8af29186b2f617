/**
 * The one sequence every operation on a tenant stack follows (provision, update, teardown, restore, upgrade):
 * check the lock → mark the tenant in progress in the index → run the engine step(s) → record the outcome.
 * A locked stack is passed through untouched: exit 4 and the index entry of the operation holding the lock as it was.
 */
import type { TenantSpec } from "../../infra/spec";
import { ConflictError } from "../errors";
import { assertUnlocked } from "./engine-errors";
import { EngineFailure, runEngine, type EngineCallOptions, type EngineOutcome, type EngineRun } from "./run-engine";
import type { EngineSession } from "./session";
import { indexKey, writeIndexEntry, type OperationName } from "../store/tenant-index";
import { inspectDeath, staleLockError } from "./engine-recovery";

export interface StackOperation {
  readonly project: string;
  readonly stack: string;
  readonly spec: TenantSpec;
  readonly operation: OperationName;
  /** The command that resumes or retries this operation, for hints. */
  readonly retry: string;
  /** Shown in the index while the operation runs. */
  readonly message?: string;
  /** For the engine's recovery report when it dies (cli/orchestration/engine-recovery.ts). */
  readonly inspect?: EngineRun["inspect"];
}

/** Runs one engine call of the operation (teardown has several), with progress and translated errors. */
export type EngineStep = <T>(
  title: string,
  call: (options: EngineCallOptions) => Promise<T>,
) => Promise<EngineOutcome<T>>;

/** What the index says once the body succeeded; "removed" when the body removed the entry itself (teardown). */
export type OperationOutcome<R> =
  | { readonly result: R; readonly removed: true }
  | {
      readonly result: R;
      readonly removed?: false;
      readonly url?: string;
      readonly resourceCount?: number;
      readonly message?: string;
    };

export async function runStackOperation<R>(
  session: EngineSession,
  op: StackOperation,
  body: (step: EngineStep) => Promise<OperationOutcome<R>>,
): Promise<R> {
  const run = {
    io: session.io,
    project: op.project,
    stack: op.stack,
    fileRoot: session.backend.fileRoot,
    retry: op.retry,
    inspect: op.inspect,
  };
  await assertUnlocked(session.backend, run).catch(async (error: unknown) => {
    // A lock left by an engine that died: say what it left behind and how to recover, not only that it is locked.
    if (!(error instanceof ConflictError) || error.details.stale !== true) throw error;
    const death = await inspectDeath({ ...run, env: session.io.env, cwd: session.io.cwd, how: "gone" }, op.inspect);
    throw staleLockError(death);
  });
  const key = indexKey(op.project, op.stack);
  const before = await session.store.readJson<unknown>(key);
  const index = { spec: op.spec, project: op.project, stack: op.stack, operation: op.operation } as const;
  await writeIndexEntry(session.store, { ...index, status: "in-progress", message: op.message, now: session.io.now() });
  const step: EngineStep = (title, call) => runEngine({ ...run, title }, call);
  try {
    const outcome = await body(step);
    if (outcome.removed !== true) {
      await writeIndexEntry(session.store, {
        ...index,
        status: "succeeded",
        url: outcome.url,
        resourceCount: outcome.resourceCount,
        message: outcome.message,
        now: session.io.now(),
      });
    }
    return outcome.result;
  } catch (error: unknown) {
    const translated = error instanceof EngineFailure ? error.translated : error;
    if (translated instanceof ConflictError && error instanceof EngineFailure) {
      // The lock was taken between our check and the engine's: the entry belongs to the operation holding it.
      if (before === undefined) await session.store.remove(key).catch(() => undefined);
      else await session.store.writeJson(key, before).catch(() => undefined);
      throw translated;
    }
    const status = error instanceof EngineFailure && error.cancelled ? "cancelled" : "failed";
    const message = translated instanceof Error ? translated.message : String(translated);
    await writeIndexEntry(session.store, { ...index, status, message, now: session.io.now() }).catch(() => undefined);
    throw translated;
  }
}
