import { threadId } from "node:worker_threads";

/**
 * The temporary file a write goes to before its rename into place: unique per process and thread, so two writers of
 * one file never share it (processes of their own, or threads of the test host, test/support/standin-host).
 */
export function tmpNameFor(file: string): string {
  return `${file}.${process.pid}-${threadId}.tmp`;
}
