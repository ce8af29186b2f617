/**
 * Which stacks a backend holds, read from Pulumi's DIY layout (`.pulumi/stacks/<project>/<stack>.json[.gz]`) through the
 * same store as the lock check (cli/store/locks.ts): a folder for file://, objects for s3://. No pulumi CLI and
 * no passphrase are needed, so it also works where the engine would refuse (a wrong passphrase, a held lock).
 */
import type { BackendLocation } from "./backend";
import { openLockSource } from "./locks";

const STACK_FILE = /^(.+)\.json(\.gz)?$/;

/** Names of the project's stacks; undefined when this backend's stacks cannot be listed (gs://, azblob://, Pulumi Cloud). */
export async function stacksOf(backend: BackendLocation, project: string): Promise<Set<string> | undefined> {
  const source = openLockSource(backend);
  if (source === undefined) return undefined;
  const names = await source.list(`stacks/${project}`);
  // The stand-in keeps `<stack>.tags.json` beside each stack; Pulumi's own backups live elsewhere (`.pulumi/backups`).
  return new Set(
    names
      .filter((n) => !n.endsWith(".tags.json"))
      .map((n) => STACK_FILE.exec(n)?.[1])
      .filter((n): n is string => n !== undefined),
  );
}

/** True when the stack exists, false when it does not, undefined when the backend cannot tell. */
export async function stackExists(
  backend: BackendLocation,
  project: string,
  stack: string,
): Promise<boolean | undefined> {
  return (await stacksOf(backend, project))?.has(stack);
}
