import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import type { Io } from "../../../cli/io";
import { runCli } from "../../../cli/run";

export interface MemoryRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stderr split into non-empty lines. */
  readonly errLines: string[];
}

export interface MemoryIoOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly interactive?: boolean;
  readonly stdin?: string;
}

function collector(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString("utf8") };
}

export function tempDir(prefix = "tenantctl-cli-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs the CLI in-process with captured output, a private cwd and an explicit environment. */
export async function runInProcess(argv: readonly string[], options: MemoryIoOptions = {}): Promise<MemoryRun> {
  const out = collector();
  const err = collector();
  const io: Io = {
    stdout: out.stream,
    stderr: err.stream,
    stdin: Readable.from([options.stdin ?? ""]),
    interactive: options.interactive ?? false,
    env: options.env ?? { PATH: process.env.PATH },
    cwd: options.cwd ?? tempDir(),
    onInterrupt: () => () => undefined,
    now: () => new Date(),
  };
  const code = await runCli(argv, io);
  await new Promise((resolve) => setImmediate(resolve));
  const stderr = err.text();
  return { code, stdout: out.text(), stderr, errLines: stderr.split("\n").filter((l) => l.trim() !== "") };
}
