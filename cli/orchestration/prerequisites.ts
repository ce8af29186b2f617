/**
 * What an operation needs before it touches a backend: a recent enough `pulumi` CLI and a secrets provider.
 * Each missing piece is a PrerequisiteError (exit 5) with the exact fix and a pointer to `synth`,
 * which needs none of it.
 */
import { accessSync, constants } from "node:fs";
import type { PulumiCommand } from "@pulumi/pulumi/automation";
import { PrerequisiteError, UsageError } from "../errors";
import { automationSdk } from "./pulumi-sdk";

/** Oldest CLI whose Automation API behaviour we rely on: inline programs on refresh and destroy (teardown, drift) need 3.181. */
export const MIN_PULUMI_VERSION = "3.181.0";
/** `--install-pulumi` installs the CLI that matches the SDK in package.json. */
export const PINNED_PULUMI_VERSION = "3.248.0";

const SYNTH_POINTER = "to see what would be created without any of this: tenantctl synth tenant <slug>";

export interface SecretsSetup {
  /** `--secrets-provider` value for new stacks; undefined = Pulumi's default passphrase provider. */
  readonly secretsProvider: string | undefined;
}

/** Validates `--secrets-provider` (usage error, exit 2) — call during validation, before anything else. */
export function checkSecretsProviderOption(value: string | undefined): string | undefined {
  if (value === undefined || value === "passphrase") return undefined;
  if (/^awskms:\/\/[^\s]+$/.test(value)) return value;
  throw new UsageError(
    `--secrets-provider "${value}" is not supported (allowed: passphrase, awskms://<key id, ARN or alias/name>[?region=<region>])`,
  );
}

export function resolveSecrets(env: NodeJS.ProcessEnv, provider: string | undefined): SecretsSetup {
  if (provider !== undefined) return { secretsProvider: provider };
  if (env.PULUMI_CONFIG_PASSPHRASE !== undefined) return { secretsProvider: undefined };
  const file = env.PULUMI_CONFIG_PASSPHRASE_FILE;
  if (file !== undefined && file !== "") {
    try {
      accessSync(file, constants.R_OK);
    } catch {
      throw new PrerequisiteError(`PULUMI_CONFIG_PASSPHRASE_FILE points to ${file}, which cannot be read`, {
        hint: `create that file with the stack passphrase (chmod 600), or set PULUMI_CONFIG_PASSPHRASE instead\n${SYNTH_POINTER}`,
      });
    }
    return { secretsProvider: undefined };
  }
  throw new PrerequisiteError("no secrets passphrase: Pulumi encrypts each stack's secrets and needs one", {
    hint: [
      "export PULUMI_CONFIG_PASSPHRASE='<passphrase>'   (or PULUMI_CONFIG_PASSPHRASE_FILE=<file holding it>)",
      "or pass --secrets-provider awskms://alias/<key>?region=<region> to use AWS KMS",
      SYNTH_POINTER,
    ].join("\n"),
  });
}

export function compareVersions(a: string, b: string): number {
  const parse = (v: string): number[] =>
    v
      .replace(/^v/, "")
      .split(/[.+-]/)
      .slice(0, 3)
      .map((part) => Number.parseInt(part, 10) || 0);
  const [pa, pb] = [parse(a), parse(b)];
  for (let i = 0; i < 3; i += 1) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}

/**
 * The first informative line of an SDK CommandError ("code: -2\n stdout: \n stderr: Command failed with ENOENT: …"):
 * its labels and empty parts dropped, so the message never shows "(stdout:)".
 */
export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line =
    text
      .split("\n")
      .map((l) =>
        l
          .trim()
          .replace(/^(stdout|stderr|err\?):\s*/, "")
          .trim(),
      )
      .find((l) => l !== "" && !/^code:/.test(l)) ?? "";
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** The `pulumi` CLI: from PATH (version checked), or installed at the pinned version with --install-pulumi. */
export async function resolvePulumiCommand(install: boolean): Promise<PulumiCommand> {
  const { PulumiCommand } = await automationSdk();
  const installHint = [
    "install the Pulumi CLI: curl -fsSL https://get.pulumi.com | sh -s -- --version " + PINNED_PULUMI_VERSION,
    "  (or brew install pulumi/tap/pulumi), then make sure `pulumi version` works in this shell",
    `or rerun with --install-pulumi to install v${PINNED_PULUMI_VERSION} under ~/.pulumi/versions`,
    SYNTH_POINTER,
  ].join("\n");
  let command: PulumiCommand;
  try {
    command = install ? await PulumiCommand.install() : await PulumiCommand.get({ skipVersionCheck: true });
  } catch (error: unknown) {
    const what = install
      ? `could not install the pulumi CLI v${PINNED_PULUMI_VERSION}`
      : "the pulumi CLI was not found on PATH";
    const detail = firstLine(error);
    throw new PrerequisiteError(detail === "" ? what : `${what} (${detail})`, { hint: installHint, cause: error });
  }
  const version = command.version?.toString();
  if (version === undefined || compareVersions(version, MIN_PULUMI_VERSION) < 0) {
    throw new PrerequisiteError(
      `the pulumi CLI on PATH is v${version ?? "unknown"}; tenantctl needs v${MIN_PULUMI_VERSION} or newer`,
      {
        hint: installHint,
      },
    );
  }
  return command;
}
