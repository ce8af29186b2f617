/**
 * How the `pulumi` engine process is started, so that Ctrl-C means what the operator pressed.
 *
 * The Automation API (3.248, automation/cmd.js) spawns `pulumi` with execa in tenantctl's own process group and sends
 * it SIGINT when the operation's AbortSignal fires. A terminal's Ctrl-C reaches the whole foreground group, so the
 * engine got the terminal's SIGINT *and* ours: two, which the CLI takes as "terminate immediately" (pulumi's
 * cancellation scope: first SIGINT cancels, the second terminates). Here the engine runs in a process group of its own
 * (detached), so it hears only what tenantctl forwards: one SIGINT per Ctrl-C.
 *
 * No static import of the Pulumi SDK: cli/main.ts asks `runningEngines()` on every Ctrl-C.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { delimiter, dirname, isAbsolute } from "node:path";
import type { PulumiCommand } from "@pulumi/pulumi/automation";
import { automationSdk } from "./pulumi-sdk";

const running = new Set<ChildProcess>();

/** How many engine processes this process is waiting for. */
export function runningEngines(): number {
  return running.size;
}

/** A second Ctrl-C: the engine's "terminate immediately" (another SIGINT to each running engine). */
export function stopEnginesNow(): void {
  for (const child of running) child.kill("SIGINT");
}

/** The parts of the SDK that build its errors from a finished command (automation/cmd.js, automation/errors.js). */
interface SdkCommandInternals {
  CommandResult: new (stdout: string, stderr: string, code: number, err?: Error) => unknown;
  createCommandError: (result: unknown) => Error;
}

/** PulumiCommand.run (internal in the SDK's types; automation/cmd.js): resolves to a CommandResult ({ stdout, stderr, code }). */
export type RunFn = (
  args: string[],
  cwd: string,
  additionalEnv: Record<string, string>,
  onOutput?: (data: string) => void,
  onError?: (data: string) => void,
  signal?: AbortSignal,
) => Promise<unknown>;

/** The text the SDK puts in an error when the engine was killed by a signal (as execa words it). */
export function killedBySignalText(signal: string): string {
  return `Command was killed with ${signal}`;
}

export function killedBySignal(text: string): string | undefined {
  return /Command was killed with (SIG[A-Z]+)/.exec(text)?.[1];
}

/**
 * The SDK's command with `run` replaced by one that starts the engine detached. Everything else (version, command
 * path, the error classes the SDK maps stderr to) stays the SDK's own.
 */
export async function detachedEngine(command: PulumiCommand): Promise<PulumiCommand> {
  const sdk = (await automationSdk()) as unknown as SdkCommandInternals;
  if (typeof sdk.CommandResult !== "function" || typeof sdk.createCommandError !== "function") {
    throw new Error(
      "@pulumi/pulumi/automation no longer exports CommandResult/createCommandError; update cli/orchestration/engine-process.ts",
    );
  }
  const sdkRun = (command as unknown as { run: RunFn }).run.bind(command);
  const run: RunFn = (args, cwd, additionalEnv, onOutput, onError, signal) => {
    // Only operations that can be cancelled need their own group; short commands keep the SDK's path.
    if (signal === undefined) return sdkRun(args, cwd, additionalEnv, onOutput, onError, signal);
    if (!args.includes("--non-interactive")) args.push("--non-interactive");
    const env: NodeJS.ProcessEnv = { ...process.env, ...additionalEnv, PULUMI_AUTOMATION_API: "true" };
    // As the SDK does: the CLI's own folder first on PATH, so it finds the plugins bundled with it.
    if (isAbsolute(command.command))
      env.PATH = `${dirname(command.command)}${delimiter}${additionalEnv.PATH ?? process.env.PATH ?? ""}`;
    return new Promise((resolve, reject) => {
      const child = spawn(command.command, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
      running.add(child);
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (data: Buffer) => {
        stdout += data.toString();
        onOutput?.(data.toString());
      });
      child.stderr.on("data", (data: Buffer) => {
        stderr += data.toString();
        onError?.(data.toString());
      });
      const abort = (): void => {
        child.kill("SIGINT");
      };
      if (signal.aborted) abort();
      else signal.addEventListener("abort", abort, { once: true });
      child.on("error", (error) => {
        running.delete(child);
        reject(sdk.createCommandError(new sdk.CommandResult("", error.message, -2, error)));
      });
      child.on("close", (code, killedBy) => {
        running.delete(child);
        signal.removeEventListener("abort", abort);
        if (code === 0) {
          resolve(new sdk.CommandResult(stdout, stderr, 0));
          return;
        }
        const text = killedBy === null ? stderr : `${killedBySignalText(killedBy)}\n${stderr}`;
        reject(sdk.createCommandError(new sdk.CommandResult(stdout, text, code ?? -2)));
      });
    });
  };
  return Object.assign(Object.create(command) as PulumiCommand, { run });
}
