/**
 * The exit-code contract (docs/cli.md, README) and the user-facing error types that carry it.
 * Anything thrown that is not a CliError is a bug and exits 1 with its stack on stderr.
 */
export const ExitCode = {
  Ok: 0,
  Failed: 1,
  Usage: 2,
  NotFound: 3,
  Conflict: 4,
  Prerequisite: 5,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export const EXIT_CODE_HELP = [
  "Exit codes:",
  "  0  ok",
  "  1  operation failed (a resource or the engine reported an error, or it was cancelled)",
  "  2  usage or validation error (nothing was touched)",
  "  3  not found (no such tenant or stack)",
  "  4  conflict or locked (another operation holds the stack, or the tenant exists with another spec)",
  "  5  prerequisites missing (pulumi CLI, passphrase, credentials, shared stack)",
].join("\n");

export interface CliErrorOptions {
  /** What the user can do about it: one or more lines, printed after the message. */
  readonly hint?: string;
  /** Machine-readable detail for `--json` output. */
  readonly details?: Record<string, unknown>;
  readonly cause?: unknown;
  /** The command already printed its result (e.g. synth's document with violations): print no error document. */
  readonly resultPrinted?: boolean;
}

export class CliError extends Error {
  readonly hint: string | undefined;
  readonly details: Record<string, unknown>;
  readonly resultPrinted: boolean;

  constructor(
    readonly exitCode: ExitCodeValue,
    message: string,
    options: CliErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
    this.details = options.details ?? {};
    this.resultPrinted = options.resultPrinted ?? false;
  }
}

export class UsageError extends CliError {
  constructor(message: string, options?: CliErrorOptions) {
    super(ExitCode.Usage, message, options);
  }
}

export class NotFoundError extends CliError {
  constructor(message: string, options?: CliErrorOptions) {
    super(ExitCode.NotFound, message, options);
  }
}

export class ConflictError extends CliError {
  constructor(message: string, options?: CliErrorOptions) {
    super(ExitCode.Conflict, message, options);
  }
}

export class PrerequisiteError extends CliError {
  constructor(message: string, options?: CliErrorOptions) {
    super(ExitCode.Prerequisite, message, options);
  }
}

export class OperationFailedError extends CliError {
  constructor(message: string, options?: CliErrorOptions) {
    super(ExitCode.Failed, message, options);
  }
}
