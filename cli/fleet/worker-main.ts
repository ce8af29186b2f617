/**
 * Entry of a fleet worker process (forked by isolated-runner.ts): receives one request over IPC, runs that one
 * stack operation, reports the result and ends. Its stderr carries the engine's progress for the parent to show.
 * It never exits explicitly: it disconnects and lets Node end once the operation's handles are closed.
 */
import { CliError } from "../errors";
import { processIo } from "../io";
import { isWorkerRequest, type WorkerRequest, type WorkerResult } from "./worker-protocol";

async function handle(request: WorkerRequest): Promise<WorkerResult> {
  const io = processIo();
  try {
    if (request.kind === "upgrade") {
      const { upgradeTenant } = await import("./tenant-upgrade");
      return { ok: true, value: await upgradeTenant(io, request) };
    }
    const { checkTenantDrift } = await import("./tenant-drift");
    return { ok: true, value: await checkTenantDrift(io, request) };
  } catch (error: unknown) {
    if (error instanceof CliError) return { ok: false, error: error.message, exitCode: error.exitCode, hint: error.hint ?? null };
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: `internal error in the ${request.kind} of ${request.slug}: ${message}`, exitCode: 1, hint: null };
  }
}

function report(result: WorkerResult): void {
  if (process.send === undefined) {
    process.stderr.write("tenantctl fleet worker: started without an IPC channel; it is run by tenantctl, not by hand\n");
    process.exitCode = 2;
    return;
  }
  process.send(result, () => process.disconnect());
}

process.once("message", (message: unknown) => {
  if (!isWorkerRequest(message)) {
    report({ ok: false, error: "the fleet worker received a malformed request", exitCode: 1, hint: null });
    return;
  }
  handle(message).then(report, (error: unknown) => report({ ok: false, error: String(error), exitCode: 1, hint: null }));
});
