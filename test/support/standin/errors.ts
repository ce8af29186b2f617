import * as fs from "node:fs";

/**
 * Errors the stand-in reports the way the real CLI does: `error: <message>` on stderr and exit code 255.
 * The Automation API classifies failures by that stderr text, so messages here copy the real CLI's wording.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 255,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** A flag or command the real CLI has but the stand-in deliberately does not implement. */
export function unsupported(what: string): CliError {
  return new CliError(`${what} is not supported by the tenantctl test stand-in (see docs/standin.md)`);
}

export function stackNotFound(stack: string): CliError {
  return new CliError(`no stack named '${stack}' found`);
}

export function stackAlreadyExists(stack: string): CliError {
  return new CliError(`stack '${stack}' already exists`);
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Debug trace for people debugging the stand-in itself: set PULUMI_STANDIN_TRACE=<file> to append one line per event. */
export function trace(message: string): void {
  const file = process.env.PULUMI_STANDIN_TRACE;
  if (file) fs.appendFileSync(file, `${new Date().toISOString()} [${process.pid}] ${message}\n`);
}
