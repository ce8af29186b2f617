/**
 * Everything an operation needs, resolved in the order that fails cheapest first:
 * backend location → record store → secrets provider → pulumi CLI. Nothing is created on disk here.
 */
import type { PulumiCommand } from "@pulumi/pulumi/automation";
import type { Io } from "../io";
import { resolveBackend, type BackendLocation } from "../store/backend";
import { resolvePulumiCommand, resolveSecrets, type SecretsSetup } from "./prerequisites";
import { openRecordStore, type RecordStore } from "../store/records";
import type { WorkspaceContext } from "./workspace";
import { assertPassphraseOpensBackend } from "./passphrase";
import { detachedEngine } from "./engine-process";

export interface RecordsSession {
  readonly io: Io;
  readonly backend: BackendLocation;
  readonly store: RecordStore;
}

export interface EngineSession extends RecordsSession {
  readonly secrets: SecretsSetup;
  readonly pulumi: PulumiCommand;
  readonly workspace: WorkspaceContext;
}

export interface EngineOptions {
  /** Validated `--secrets-provider` (undefined = passphrase). */
  readonly secretsProvider: string | undefined;
  readonly installPulumi: boolean;
}

/** For commands that read tenantctl's records only (list): no pulumi CLI, no passphrase. */
export function openRecordsSession(io: Io): RecordsSession {
  const backend = resolveBackend(io.env, io.cwd);
  return { io, backend, store: openRecordStore(backend) };
}

export async function openEngineSession(io: Io, options: EngineOptions): Promise<EngineSession> {
  const records = openRecordsSession(io);
  const secrets = resolveSecrets(io.env, options.secretsProvider);
  // Before anything reads or creates a stack: a passphrase that does not open the backend's stacks is exit 5 here,
  // whatever the command, and no stack is ever created under it (cli/orchestration/passphrase.ts).
  await assertPassphraseOpensBackend(io.env, records.backend, secrets.secretsProvider);
  const pulumi = await detachedEngine(await resolvePulumiCommand(options.installPulumi));
  const workspace: WorkspaceContext = { env: io.env, cwd: io.cwd, backend: records.backend, secrets, pulumi };
  return { ...records, secrets, pulumi, workspace };
}
