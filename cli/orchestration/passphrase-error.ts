/**
 * A wrong passphrase, wherever it surfaces (an engine operation, reading a stack's outputs, a fleet worker): exit 5
 * with one line naming the variable, instead of an internal error. Kept free of other imports: cli/run.ts loads it.
 */
import { CliError, PrerequisiteError } from "../errors";

/** What the pulumi CLI says, in its two forms ("incorrect passphrase", "failed to decrypt: incorrect passphrase, …"). */
export function isWrongPassphrase(text: string): boolean {
  return /\bincorrect passphrase\b/.test(text);
}

function passphraseSource(env: NodeJS.ProcessEnv): string {
  if (env.PULUMI_CONFIG_PASSPHRASE !== undefined) return "PULUMI_CONFIG_PASSPHRASE";
  return `the file PULUMI_CONFIG_PASSPHRASE_FILE names (${env.PULUMI_CONFIG_PASSPHRASE_FILE ?? ""})`;
}

export function wrongPassphraseError(
  env: NodeJS.ProcessEnv,
  backendUrl: string | undefined,
  stack?: string,
): PrerequisiteError {
  const where = backendUrl === undefined ? "this backend's stacks" : `the stacks in ${backendUrl}`;
  return new PrerequisiteError(
    `the passphrase in ${passphraseSource(env)} does not open ${where}${stack === undefined ? "" : ` (checked against ${stack})`}`,
    {
      hint: "set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) to the passphrase those stacks were created with; nothing was changed",
      details: { wrongPassphrase: true },
    },
  );
}

/** An error from anywhere below the CLI that is really a wrong passphrase, as the exit-5 error; else undefined. */
export function knownPrerequisiteFailure(error: unknown, env: NodeJS.ProcessEnv): CliError | undefined {
  if (error instanceof CliError) return undefined;
  const text = error instanceof Error ? error.message : String(error);
  return isWrongPassphrase(text) ? wrongPassphraseError(env, env.PULUMI_BACKEND_URL) : undefined;
}
