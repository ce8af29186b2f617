/**
 * The process edges every command talks through, injectable so tests run commands in-process.
 * stdout carries only results (one JSON document under --json); everything else goes to stderr.
 */
export interface Io {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream;
  /** Whether a human is at the terminal (stdin and stderr are TTYs and CI is not set). */
  readonly interactive: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Width to fit tables to: $COLUMNS, else the terminal's width when stdout is one; undefined = no limit (pipes). */
  readonly columns?: number | undefined;
  /** Subscribes to Ctrl-C; returns the unsubscribe function. */
  onInterrupt(handler: () => void): () => void;
  now(): Date;
}

export function terminalColumns(
  env: NodeJS.ProcessEnv,
  stdout: { isTTY?: boolean; columns?: number },
): number | undefined {
  const fromEnv = Number.parseInt(env.COLUMNS ?? "", 10);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return stdout.isTTY === true && typeof stdout.columns === "number" && stdout.columns > 0 ? stdout.columns : undefined;
}

export function processIo(): Io {
  const stdinTty = Boolean((process.stdin as { isTTY?: boolean }).isTTY);
  const stderrTty = Boolean(process.stderr.isTTY);
  const ci = (process.env.CI ?? "") !== "" && process.env.CI !== "false";
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    interactive: stdinTty && stderrTty && !ci,
    env: process.env,
    cwd: process.cwd(),
    columns: terminalColumns(process.env, process.stdout),
    onInterrupt(handler) {
      process.on("SIGINT", handler);
      return () => {
        process.off("SIGINT", handler);
      };
    },
    now: () => new Date(),
  };
}

/** Writes human lines to stderr and the single result document to stdout. */
export class Reporter {
  private resultWritten = false;

  constructor(
    readonly io: Io,
    readonly json: boolean,
  ) {}

  /** A line of human progress or information (always stderr). */
  info(line: string): void {
    this.io.stderr.write(`${line}\n`);
  }

  warn(line: string): void {
    this.io.stderr.write(`warning: ${line}\n`);
  }

  /**
   * The command's result: under --json exactly one document on stdout; otherwise `human` renders it
   * (tables and summaries go to stdout so they can be piped).
   */
  result(document: unknown, human: (out: (line: string) => void) => void): void {
    if (this.resultWritten) {
      throw new Error("a command produced two results; --json must print exactly one document");
    }
    this.resultWritten = true;
    if (this.json) {
      this.io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
      return;
    }
    human((line) => this.io.stdout.write(`${line}\n`));
  }
}
