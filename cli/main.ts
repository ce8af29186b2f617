/**
 * Entry point of the `tenantctl` binary (bin/tenantctl.js). The only module that exits the process.
 * Kept tiny: @pulumi/* is loaded lazily by the actions that need it, so `--help` and `list` stay fast.
 */
import { processIo } from "./io";
import { runningEngines } from "./orchestration/engine-process";
import { runCli } from "./run";

function exitAfterFlush(code: number): void {
  // Pipes are synchronous on Linux, but flush explicitly so a large --json document is never cut.
  process.stdout.write("", () => {
    process.stderr.write("", () => process.exit(code));
  });
}

// A reader that stops early (`tenantctl --help | head`) closes the pipe: that is not an error of ours.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

let interrupts = 0;
process.on("SIGINT", () => {
  interrupts += 1;
  // The first Ctrl-C is handled by the running operation (graceful cancel); while an engine runs, the second one
  // stops it at once and the operation prints how to recover (cli/orchestration/run-engine.ts). With no operation
  // listening (only this handler), there is nothing to cancel: stop now.
  const engineRunning = runningEngines() > 0;
  if (interrupts >= 3 || (interrupts >= 2 && !engineRunning) || process.listenerCount("SIGINT") <= 1) {
    if (interrupts >= 2) {
      process.stderr.write(
        "\ninterrupted again: exiting without waiting; the stack may stay locked (see `tenantctl status`)\n",
      );
    }
    process.exit(130);
  }
});

runCli(process.argv.slice(2), processIo()).then(exitAfterFlush, (error: unknown) => {
  process.stderr.write(`error: internal error: ${String(error)}\n`);
  exitAfterFlush(1);
});
