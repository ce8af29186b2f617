/**
 * What one command leaves in module state, for a process that runs many commands one after another (the test's
 * stand-in host, test/support/hosts/standin-worker.js): modules register how to forget theirs, and the gRPC servers
 * and clients an operation opens are tracked so a command ended early (its client killed, `process.exit` on a second
 * SIGINT) can close them all at once. A process of its own needs none of this: its exit ends everything. This module
 * imports nothing, so quick commands load no gRPC for it.
 */

/** A gRPC server (forceShutdown) or client (close) an operation opened. */
export type GrpcHandle = { forceShutdown(): void } | { close(): void };

const resets: (() => void)[] = [];
const handles = new Set<GrpcHandle>();

let ownerGone: () => void = () => undefined;

/**
 * On a host thread, `check` ends the command at once when the process it stands for (the host's client) has died: a
 * killed process writes nothing more. Its own gRPC clients may see the death first (the SDK closes its server when
 * the client exits), before the host has told the thread.
 */
export function setOwnerCheck(check: () => void): void {
  ownerGone = check;
}

/** Called before a write that a killed process would not make (checkpoint, history, lock release). */
export function stopIfOwnerGone(): void {
  ownerGone();
}

/** Registers `reset`, run before each command on a host thread. */
export function resetWithEachCommand(reset: () => void): void {
  resets.push(reset);
}

/** Remembers a gRPC server or client so abortGrpc can close it; returns it. */
export function trackGrpc<T extends GrpcHandle>(handle: T): T {
  handles.add(handle);
  return handle;
}

/** Force-closes every gRPC server and client the command opened (closing one twice is harmless). */
export function abortGrpc(): void {
  for (const handle of handles) {
    try {
      if ("forceShutdown" in handle) handle.forceShutdown();
      else handle.close();
    } catch {
      // Already closed, or closing: nothing left to end.
    }
  }
  handles.clear();
}

/** Runs every registered reset and forgets the previous command's gRPC handles. */
export function resetCommandState(): void {
  for (const reset of resets) reset();
  handles.clear();
}
