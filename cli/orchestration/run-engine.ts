/**
 * Runs one engine operation (up, preview, destroy, refresh) with live progress on stderr, Ctrl-C as Pulumi means it
 * (the first asks the engine to cancel gracefully, a second one to stop at once), and errors translated into the
 * CLI's typed errors. An engine that died (killed, or stopped by the second Ctrl-C) gets a recovery report.
 */
import type { Deployment, EngineEvent } from "@pulumi/pulumi/automation";
import type { Io } from "../io";
import { ProgressRenderer, type ResourceFailure } from "../progress";
import { translateEngineError } from "./engine-errors";
import { killedBySignal, stopEnginesNow } from "./engine-process";
import { engineDeathError, inspectDeath } from "./engine-recovery";

export interface EngineCallOptions {
  readonly onEvent: (event: EngineEvent) => void;
  readonly onOutput: (text: string) => void;
  readonly signal: AbortSignal;
}

export interface EngineRun {
  readonly io: Io;
  readonly project: string;
  readonly stack: string;
  readonly fileRoot: string | undefined;
  /** The command that resumes or retries this operation, shown in hints. */
  readonly retry: string;
  /** e.g. "provisioning acme (dev-acme)"; printed when the operation starts. */
  readonly title: string;
  /** The stack's exported state (`stack.exportStack()`), read when the engine dies to name its pending operations. */
  readonly inspect?: () => Promise<Deployment>;
}

export interface EngineOutcome<T> {
  readonly result: T;
  readonly changes: Record<string, number>;
}

export class EngineFailure extends Error {
  constructor(
    readonly translated: Error,
    readonly failures: readonly ResourceFailure[],
    readonly cancelled: boolean,
  ) {
    super(translated.message);
  }
}

export async function runEngine<T>(
  run: EngineRun,
  call: (options: EngineCallOptions) => Promise<T>,
): Promise<EngineOutcome<T>> {
  const { io } = run;
  const renderer = new ProgressRenderer(
    (line) => io.stderr.write(`${line}\n`),
    io.interactive,
    () => io.now(),
  );
  const controller = new AbortController();
  let cancelled = false;
  let stoppedNow = false;
  const unsubscribe = io.onInterrupt(() => {
    if (stoppedNow) return;
    if (cancelled) {
      stoppedNow = true;
      io.stderr.write(`\nstopping ${run.stack} now: resources in flight are abandoned; the way to recover follows\n`);
      stopEnginesNow();
      return;
    }
    cancelled = true;
    io.stderr.write(
      `\ncancelling ${run.stack}: waiting for resources in flight to finish (Ctrl-C again to stop at once)\n`,
    );
    controller.abort();
  });
  const debug = (io.env.TENANTCTL_DEBUG ?? "") !== "";
  io.stderr.write(`${io.interactive ? "" : `${io.now().toISOString()} `}${run.title}\n`);
  try {
    const result = await call({
      onEvent: (event) => renderer.handle(event),
      onOutput: (text) => {
        if (debug) io.stderr.write(text);
      },
      signal: controller.signal,
    });
    return { result, changes: renderer.changes() };
  } catch (error: unknown) {
    const failures = renderer.failures();
    const signal = killedBySignal(error instanceof Error ? error.message : String(error));
    if (stoppedNow || signal !== undefined) {
      const how = stoppedNow ? "stopped by a second Ctrl-C" : `killed by ${signal ?? "a signal"}`;
      const death = await inspectDeath(
        {
          project: run.project,
          stack: run.stack,
          fileRoot: run.fileRoot,
          retry: run.retry,
          env: io.env,
          cwd: io.cwd,
          how,
        },
        run.inspect,
      );
      // The second Ctrl-C can come after the engine already finished its graceful cancel: then nothing was left behind.
      const leftSomething = signal !== undefined || death.lockHolder !== undefined || death.pending.length > 0;
      if (leftSomething) {
        if (debug && error instanceof Error) io.stderr.write(`${error.message}\n`);
        throw new EngineFailure(engineDeathError(death), failures, false);
      }
    }
    const translated = await translateEngineError(error, {
      project: run.project,
      stack: run.stack,
      fileRoot: run.fileRoot,
      failures,
      cancelled,
      retry: run.retry,
      env: io.env,
    });
    if (debug && error instanceof Error) io.stderr.write(`${error.message}\n`);
    throw new EngineFailure(translated, failures, cancelled);
  } finally {
    unsubscribe();
  }
}
