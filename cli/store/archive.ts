/**
 * The state archive teardown keeps: `pulumi stack export` without --show-secrets, so secret values stay
 * encrypted with the stack's secrets provider. We verify that before writing and refuse otherwise.
 */
import type { Deployment } from "@pulumi/pulumi/automation";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { join } from "node:path";

/** Pulumi's marker for a secret value in state. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** Paths of secret values that carry plaintext instead of ciphertext (empty = safe to archive). */
export function plaintextSecretPaths(value: unknown, path = "$"): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => plaintextSecretPaths(item, `${path}[${i}]`));
  if (typeof value !== "object" || value === null) return [];
  const record = value as Record<string, unknown>;
  if (SECRET_SIG in record) return "plaintext" in record || !("ciphertext" in record) ? [path] : [];
  return Object.entries(record).flatMap(([key, item]) => plaintextSecretPaths(item, `${path}.${key}`));
}

interface StateResource {
  readonly type?: string;
  readonly urn?: string;
  readonly inputs?: Record<string, unknown>;
  readonly outputs?: Record<string, unknown>;
}

export function stateResources(deployment: Deployment): StateResource[] {
  const inner = deployment.deployment as { resources?: StateResource[] } | undefined;
  return inner?.resources ?? [];
}

/** The final snapshot the destroy will take: the RDS instance's finalSnapshotIdentifier unless it skips one. */
export function finalSnapshotFromState(deployment: Deployment): string | undefined {
  for (const resource of stateResources(deployment)) {
    if (resource.type !== "aws:rds/instance:Instance") continue;
    const props = { ...(resource.outputs ?? {}), ...(resource.inputs ?? {}) };
    if (props.skipFinalSnapshot === true) return undefined;
    const id = props.finalSnapshotIdentifier;
    if (typeof id === "string" && id !== "") return id;
  }
  return undefined;
}

export interface ExportTarget {
  /** The pulumi executable (PulumiCommand.command). */
  readonly command: string;
  readonly workDir: string;
  readonly stack: string;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * `pulumi stack export` WITHOUT --show-secrets (the Automation API's exportStack always decrypts), written to a
 * file so a large state is never cut by a pipe.
 */
export async function exportStackEncrypted(target: ExportTarget): Promise<Deployment> {
  const dir = await mkdtemp(join(target.workDir, ".export-"));
  const file = join(dir, "state.json");
  try {
    await new Promise<void>((resolve, reject) => {
      execFile(
        target.command,
        ["stack", "export", `--stack=${target.stack}`, `--file=${file}`, "--non-interactive"],
        { cwd: target.workDir, env: target.env, maxBuffer: 16 * 1024 * 1024 },
        (error, _stdout, stderr) => {
          if (error === null) resolve();
          else
            reject(
              new Error(
                `pulumi stack export --stack ${target.stack} failed: ${stderr.trim().split("\n")[0] ?? error.message}`,
              ),
            );
        },
      );
    });
    return JSON.parse(await readFile(file, "utf8")) as Deployment;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
