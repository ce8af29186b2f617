import * as fs from "node:fs";

/** Debug trace for people debugging the stand-in itself: set PULUMI_STANDIN_TRACE=<file> to append one line per event. */
export function trace(message: string): void {
  const file = process.env.PULUMI_STANDIN_TRACE;
  if (file) fs.appendFileSync(file, `${new Date().toISOString()} [${process.pid}] ${message}\n`);
}
