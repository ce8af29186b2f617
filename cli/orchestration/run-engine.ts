/**
 * Runs one engine operation (up, preview, destroy, refresh) with live progress on stderr, a graceful
 * Ctrl-C (the first one asks the engine to cancel; cli/main.ts handles a second), and errors translated
 * into the CLI's typed errors.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import type { Io } from "../io";
import { ProgressRenderer, type ResourceFailure } from "../progress";
import { translateEngineError } from "./engine-errors";

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

export async function runEngine<T>(run: EngineRun, call: (options: EngineCallOptions) => Promise<T>): Promise<EngineOutcome<T>> {
  const { io } = run;
  const renderer = new ProgressRenderer((line) => io.stderr.write(`${line}\n`), io.interactive, () => io.now());
  const controller = new AbortController();
  let cancelled = false;
  const unsubscribe = io.onInterrupt(() => {
    if (cancelled) return;
    cancelled = true;
    io.stderr.write(`\ncancelling ${run.stack}: waiting for resources in flight to finish (Ctrl-C again to stop at once)\n`);
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
    const translated = await translateEngineError(error, {
      project: run.project,
      stack: run.stack,
      fileRoot: run.fileRoot,
      failures,
      cancelled,
      retry: run.retry,
    });
    if (debug && error instanceof Error) io.stderr.write(`${error.message}\n`);
    throw new EngineFailure(translated, failures, cancelled);
  } finally {
    unsubscribe();
  }
}
