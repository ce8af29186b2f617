/**
 * The passphrase secrets provider, checked before tenantctl creates a stack. Pulumi creates a stack under whatever
 * passphrase it is given, so a mistyped one made a stack nobody else could open (and `preview down`/`gc` with the
 * right one could not destroy). Before a new stack, the passphrase must open an existing stack of the backend (any
 * project; the shared stacks first); a backend with no stacks accepts any passphrase.
 *
 * Pulumi's format (pkg/secrets/passphrase/manager.go): the checkpoint's `secrets_providers.state.salt` is
 * `v1:<salt>:<ciphertext of "pulumi">`, ciphertexts `v1:<nonce>:<AES-256-GCM ciphertext+tag>` (base64), the key
 * PBKDF2-SHA256 over the passphrase with 1,000,000 rounds. A wrong passphrase is `incorrect passphrase` there.
 */
import { createDecipheriv, pbkdf2 } from "node:crypto";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { resolveBackend, type BackendLocation } from "../store/backend";
import { openLockSource, type LockSource } from "../store/locks";
import { wrongPassphraseError } from "./passphrase-error";

const derive = promisify(pbkdf2);

async function passphraseOf(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (env.PULUMI_CONFIG_PASSPHRASE !== undefined) return env.PULUMI_CONFIG_PASSPHRASE;
  const file = env.PULUMI_CONFIG_PASSPHRASE_FILE;
  // As the CLI reads it: the file's content with surrounding whitespace trimmed.
  return file === undefined || file === "" ? undefined : (await readFile(file, "utf8")).trim();
}

export async function passphraseOpens(passphrase: string, saltState: string): Promise<boolean> {
  const parts = saltState.split(":");
  if (parts.length !== 5 || parts[0] !== "v1" || parts[2] !== "v1") return true; // not a format we know: let Pulumi judge
  const key = await derive(passphrase, Buffer.from(parts[1] ?? "", "base64"), 1_000_000, 32, "sha256");
  const body = Buffer.from(parts[4] ?? "", "base64");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(parts[3] ?? "", "base64"));
    decipher.setAuthTag(body.subarray(body.length - 16));
    return (
      Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString("utf8") ===
      "pulumi"
    );
  } catch {
    return false;
  }
}

interface CheckpointFile {
  readonly checkpoint?: {
    readonly latest?: {
      readonly secrets_providers?: { readonly type?: string; readonly state?: { readonly salt?: string } };
    } | null;
  };
}

/** The first passphrase-encrypted stack of the backend (shared stacks first), with its salt state. */
async function someExistingStack(source: LockSource): Promise<{ stack: string; salt: string } | undefined> {
  const projects = (await source.list("stacks").catch(() => [] as string[])).sort(
    (a, b) => Number(b.endsWith("-shared")) - Number(a.endsWith("-shared")),
  );
  for (const project of projects) {
    const files = (await source.list(`stacks/${project}`).catch(() => [] as string[])).filter(
      (f) => f.endsWith(".json") && !f.endsWith(".tags.json"),
    );
    for (const file of files) {
      const content = await source.readJson<CheckpointFile>(`stacks/${project}/${file}`).catch(() => undefined);
      const provider = content?.checkpoint?.latest?.secrets_providers;
      if (provider?.type === "passphrase" && typeof provider.state?.salt === "string")
        return { stack: `${project}/${file.slice(0, -5)}`, salt: provider.state.salt };
    }
  }
  return undefined;
}

const verified = new Map<string, Promise<void>>();

/**
 * Forgets which passphrases were checked. A process runs one command, so this matters only to a host that runs many
 * commands in one process (the tests' CLI host, test/support/hosts): each of its commands checks afresh, as the
 * binary does.
 */
export function forgetCheckedPassphrases(): void {
  verified.clear();
}

/**
 * Refuses (exit 5) a passphrase that does not open the backend's existing stacks. A no-op for other secrets providers
 * and for backends whose `.pulumi` folder tenantctl cannot read. Checked once per process and backend.
 */
export function assertPassphraseOpensBackend(
  env: NodeJS.ProcessEnv,
  backend: BackendLocation,
  secretsProvider: string | undefined,
): Promise<void> {
  if (secretsProvider !== undefined && secretsProvider !== "passphrase") return Promise.resolve();
  const key = `${backend.url}\0${env.PULUMI_CONFIG_PASSPHRASE ?? ""}\0${env.PULUMI_CONFIG_PASSPHRASE_FILE ?? ""}`;
  const known = verified.get(key);
  if (known !== undefined) return known;
  const check = (async () => {
    const source = openLockSource(backend);
    const passphrase = await passphraseOf(env);
    if (source === undefined || passphrase === undefined) return;
    const existing = await someExistingStack(source);
    if (existing !== undefined && !(await passphraseOpens(passphrase, existing.salt)))
      throw wrongPassphraseError(env, backend.url, existing.stack);
  })();
  verified.set(key, check);
  return check;
}

/** For callers that hold only the engine's environment (a LocalWorkspace's envVars). */
export function assertPassphraseForEngineEnv(
  engineEnv: Record<string, string>,
  cwd: string,
  secretsProvider: string | undefined,
): Promise<void> {
  if (engineEnv.PULUMI_BACKEND_URL === undefined) return Promise.resolve();
  return assertPassphraseOpensBackend(engineEnv, resolveBackend(engineEnv, cwd), secretsProvider);
}
