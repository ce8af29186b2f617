/**
 * Automation API failures → the CLI's typed errors: a locked stack is a conflict (exit 4) naming the holder,
 * a failed resource is exit 1 naming the resource and AWS's error, a cancel says how to resume.
 */
import { CliError, ConflictError, NotFoundError, OperationFailedError } from "../errors";
import type { ResourceFailure } from "../progress";
import type { BackendLocation } from "../store/backend";
import { hostname } from "node:os";
import { isWrongPassphrase, wrongPassphraseError } from "./passphrase-error";
import {
  describeLock,
  fileLockSource,
  lockHolderFromText,
  lockIsStale,
  openLockSource,
  readLockHolder,
  type LockHolder,
} from "../store/locks";
import { automationSdk } from "./pulumi-sdk";

export interface EngineErrorContext {
  readonly project: string;
  readonly stack: string;
  readonly fileRoot: string | undefined;
  readonly failures: readonly ResourceFailure[];
  readonly cancelled: boolean;
  /** The command that resumes or retries this operation, for hints. */
  readonly retry: string;
  /** For a wrong passphrase: which variable held it, which backend it did not open. */
  readonly env?: NodeJS.ProcessEnv;
  readonly backendUrl?: string;
}

function meaningfulLines(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => /^error:/i.test(line) || /error/i.test(line))
    .filter((line) => !line.startsWith("code:") && !line.startsWith("stdout:") && !line.startsWith("stderr:"));
}

function lockConflict(
  holder: LockHolder | undefined,
  ctx: Pick<EngineErrorContext, "project" | "stack" | "retry">,
): ConflictError {
  const clear = `pulumi cancel --yes --stack ${ctx.stack} (in .tenantctl/work/${ctx.project})`;
  if (holder !== undefined && lockIsStale(holder, hostname())) {
    return new ConflictError(
      `stack ${ctx.stack} is locked by ${describeLock(holder)}, a process that is gone: the lock is stale`,
      {
        hint: `clear it with: ${clear}, then rerun: ${ctx.retry}`,
        details: { stack: ctx.stack, lockHolder: holder, stale: true },
      },
    );
  }
  return new ConflictError(`stack ${ctx.stack} is locked by ${describeLock(holder)}`, {
    hint: `wait for that operation to finish, then rerun: ${ctx.retry}\nif that process is gone, clear the lock with: ${clear}`,
    details: { stack: ctx.stack, lockHolder: holder ?? null },
  });
}

/**
 * Fails fast (exit 4, nothing written) when the backend shows the stack locked: a file:// backend's lock files, or
 * an s3:// backend's lock objects (`<prefix>/.pulumi/locks/…`). Other remote backends are not pre-checked; the
 * engine's lock error still names the holder.
 */
export async function assertUnlocked(
  backend: BackendLocation | undefined,
  ctx: Pick<EngineErrorContext, "project" | "stack" | "retry">,
): Promise<void> {
  const source = openLockSource(backend);
  if (source === undefined) return;
  const holder = await readLockHolder(source, ctx.project, ctx.stack);
  if (holder !== undefined) throw lockConflict(holder, ctx);
}

export async function translateEngineError(error: unknown, ctx: EngineErrorContext): Promise<CliError> {
  if (error instanceof CliError) return error;
  const automation = await automationSdk();
  const text = error instanceof Error ? error.message : String(error);
  if (error instanceof automation.ConcurrentUpdateError) {
    // Remote backends pass no fileRoot: Pulumi's message names the holder ("…/<id>.json: created by u@h (pid n) at t").
    const fromFile =
      ctx.fileRoot === undefined
        ? undefined
        : await readLockHolder(fileLockSource(ctx.fileRoot), ctx.project, ctx.stack);
    return lockConflict(fromFile ?? lockHolderFromText(text), ctx);
  }
  if (isWrongPassphrase(text)) return wrongPassphraseError(ctx.env ?? {}, ctx.backendUrl, ctx.stack);
  if (error instanceof automation.StackNotFoundError) {
    return new NotFoundError(`stack ${ctx.stack} does not exist in the backend`, { details: { stack: ctx.stack } });
  }
  if (ctx.cancelled) {
    return new OperationFailedError(
      `cancelled: the operation on ${ctx.stack} stopped after the resources in flight finished`,
      {
        hint: `nothing is lost; resume with: ${ctx.retry}`,
        details: { stack: ctx.stack, cancelled: true },
      },
    );
  }
  const failures = ctx.failures.filter((failure) => failure.message !== "" || ctx.failures.length === 1);
  if (failures.length > 0) {
    const list = failures.map((f) => `${f.type} ${f.name}: ${f.message === "" ? "failed" : f.message}`);
    return new OperationFailedError(`failed on ${ctx.stack}: ${list.join(" | ")}`, {
      hint: `fix the cause, then rerun: ${ctx.retry} (resources already created are kept and reused)`,
      details: { stack: ctx.stack, failures },
    });
  }
  const lines = meaningfulLines(text);
  const summary = lines.length > 0 ? lines.slice(0, 3).join(" | ") : (text.split("\n")[0] ?? text);
  return new OperationFailedError(`operation on ${ctx.stack} failed: ${summary}`, {
    hint: `rerun with TENANTCTL_DEBUG=1 for the engine's full output; retry with: ${ctx.retry}`,
    details: { stack: ctx.stack },
    cause: error,
  });
}
