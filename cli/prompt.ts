/**
 * Confirmations on a TTY. Destructive commands make the operator type the tenant's slug; without a TTY they
 * refuse unless --yes was given (exit 2), so a script never hangs on a hidden question.
 */
import { createInterface } from "node:readline";
import { UsageError } from "./errors";
import type { Io } from "./io";

async function ask(io: Io, question: string): Promise<string> {
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: io.interactive });
  try {
    return await new Promise<string>((resolve) => {
      rl.question(question, resolve);
      // Ctrl-C at the prompt answers nothing: the caller refuses and nothing is changed.
      rl.once("SIGINT", () => rl.close());
      rl.once("close", () => resolve(""));
    });
  } finally {
    rl.close();
  }
}

export interface SlugConfirmation {
  /** What has to be typed: a tenant slug, an env name. */
  readonly slug: string;
  /** The operation as a noun phrase, for the refusal: "teardown of acme", "shared down of env dev". */
  readonly what: string;
  /** The sentence shown before the question on a terminal (default: "<what> cannot be undone"). */
  readonly warning?: string;
  /** How the prompt names `slug` (default "tenant slug"). */
  readonly label?: string;
  readonly yes: boolean;
  /** The command line without --yes; the refusal shows it with --yes. */
  readonly command: string;
}

/** Asks the operator to type `slug`; throws UsageError when refused or impossible. */
export async function confirmBySlug(io: Io, options: SlugConfirmation): Promise<void> {
  if (options.yes) return;
  if (!io.interactive) {
    throw new UsageError(
      `${options.what} needs confirmation, and there is no terminal to ask on (allowed: ${options.command} --yes)`,
    );
  }
  io.stderr.write(`${options.warning ?? `${options.what} cannot be undone`}.\n`);
  const answer = (await ask(io, `Type the ${options.label ?? "tenant slug"} (${options.slug}) to confirm: `)).trim();
  if (answer !== options.slug) {
    throw new UsageError(
      `confirmation did not match: typed ${JSON.stringify(answer)}, expected ${JSON.stringify(options.slug)}; nothing was changed`,
    );
  }
}

/** A yes/no question on a TTY; non-interactive sessions and --yes answer yes. */
export async function confirmYesNo(io: Io, question: string, yes: boolean): Promise<boolean> {
  if (yes || !io.interactive) return true;
  const answer = (await ask(io, `${question} [y/N] `)).trim().toLowerCase();
  return answer === "y" || answer === "yes";
}
