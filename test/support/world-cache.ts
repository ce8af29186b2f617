/**
 * A cache of prepared "worlds" for end-to-end test set-up (docs/testing.md, "The world cache").
 *
 * A world is everything one `tenantctl` set-up command leaves under a test's private root folder: the file backend
 * (`.pulumi/` stacks and history, `.pulumi-standin/` the simulated account, `.tenantctl/` records), the TENANTCTL_HOME
 * work folders (Pulumi.yaml, Pulumi.<stack>.yaml with the stack's encryption salt), PULUMI_HOME (workspaces/, the
 * selected stack) and the stand-in's passphrase-key cache. The first test file of a jest run that needs a world runs
 * the real command in its own root and saves a copy; later files copy it into their root instead of running it.
 *
 * Two things in a world name its root, and a copy fixes both: files that contain the root's absolute path (tenantctl
 * writes the backend URL into each work folder's Pulumi.yaml) get it replaced, and PULUMI_HOME's
 * `workspaces/<project>-<sha1 of the Pulumi.yaml path>-workspace.json` files are renamed for the new path. The copy is
 * then byte-identical to what the command writes in that root (test/support/world-cache.test.ts proves the copy
 * behaves like a fresh world).
 *
 * The cache folder is made by jest's globalSetup (test/support/world-cache-setup.js) under os.tmpdir(), shared by the
 * workers of the run and removed at the end. Entries are keyed by a hash of dist/ (the CLI and the stand-in), the
 * stand-in launcher, the lock file, the repository's Pulumi*.yaml files, any other input file the command reads, and
 * the exact argv and environment with the root written as `<root>`. An entry is written to a temporary folder and
 * renamed into place, so two workers racing to make the same world are safe (the loser's copy is dropped). Without
 * the globalSetup (or with TENANTCTL_TEST_WORLDS=off) every world is made by the real command.
 */
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, isAbsolute, join, relative } from "node:path";

const REPO = join(__dirname, "..", "..");
/** Set by test/support/world-cache-setup.js to the run's cache folder; "off" (or unset) disables the cache. */
export const WORLDS_ENV = "TENANTCTL_TEST_WORLDS";

export interface WorldSpec {
  /** The test's private root folder: the command's world must lie entirely under it (cached only when it starts empty). */
  readonly root: string;
  /** The command's cwd (default: root). */
  readonly cwd?: string;
  /** The arguments of the set-up command (part of the key). */
  readonly argv: readonly string[];
  /** The command's complete environment (part of the key, with the root written as `<root>`). */
  readonly env: NodeJS.ProcessEnv;
  /** Files outside dist/ the command reads (e.g. a --config-file): their contents are part of the key. */
  readonly inputs?: readonly string[];
}

export type WorldSource = "made" | "copied";

interface Manifest {
  readonly root: string;
  /** Files (relative to the root) that contain the root's absolute path. */
  readonly withRoot: string[];
  /** PULUMI_HOME workspace files (relative) and the Pulumi.yaml (relative) whose path their name hashes. */
  readonly workspaces: { file: string; project: string; pulumiYaml: string }[];
}

/** Every file under dir, relative to it, sorted. */
function filesOf(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

function hashFiles(hash: ReturnType<typeof createHash>, dir: string): void {
  for (const rel of filesOf(dir))
    hash
      .update(rel)
      .update("\0")
      .update(readFileSync(join(dir, rel)))
      .update("\0");
}

/** Where a path lies relative to the root, or undefined when it is outside it. */
function under(root: string, p: string): string | undefined {
  const rel = relative(root, p);
  return rel.startsWith("..") || isAbsolute(rel) ? undefined : rel;
}

/** Refuses a world the cache cannot relocate: state outside the root would be shared between tests. */
function assertWorldUnderRoot(spec: WorldSpec): void {
  const cwd = spec.cwd ?? spec.root;
  const backend = spec.env.PULUMI_BACKEND_URL ?? "";
  const places: [string, string][] = [
    ["cwd", cwd],
    ["PULUMI_BACKEND_URL", backend.startsWith("file://") ? backend.slice("file://".length) : backend],
    ["TENANTCTL_HOME", spec.env.TENANTCTL_HOME ?? join(cwd, ".tenantctl")],
    ["PULUMI_HOME", spec.env.PULUMI_HOME ?? join(spec.env.HOME ?? homedir(), ".pulumi")],
  ];
  if (spec.env.PULUMI_STANDIN_KDF_CACHE_DIR !== undefined)
    places.push(["PULUMI_STANDIN_KDF_CACHE_DIR", spec.env.PULUMI_STANDIN_KDF_CACHE_DIR]);
  for (const [what, p] of places) {
    if (!isAbsolute(p) || under(spec.root, p) === undefined)
      throw new Error(`world cache: ${what} (${p}) is not under the world's root ${spec.root}`);
  }
}

/** The cache key: what the command runs (dist/, its inputs) and exactly how (argv, environment). */
export function worldKey(spec: WorldSpec): string {
  const hash = createHash("sha256");
  hash.update(`node ${process.version}\0`);
  hashFiles(hash, join(REPO, "dist"));
  hashFiles(hash, join(REPO, "test", "support", "bin"));
  for (const file of [
    "package-lock.json",
    ...readdirSync(REPO)
      .filter((n) => /^Pulumi.*\.yaml$/.test(n))
      .sort(),
  ])
    hash
      .update(file)
      .update("\0")
      .update(readFileSync(join(REPO, file)))
      .update("\0");
  for (const file of spec.inputs ?? []) hash.update(file).update("\0").update(readFileSync(file)).update("\0");
  const rooted = (v: string): string => v.split(spec.root).join("<root>");
  const env = Object.entries(spec.env)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${rooted(v)}`)
    .sort();
  hash.update(JSON.stringify({ cwd: rooted(spec.cwd ?? spec.root), argv: spec.argv.map(rooted), env }));
  return hash.digest("hex").slice(0, 32);
}

function workspaceHash(pulumiYaml: string): string {
  return createHash("sha1").update(pulumiYaml).digest("hex");
}

/** Reads a made world: which files name the root, and which Pulumi.yaml each PULUMI_HOME workspace file is for. */
function manifestOf(root: string): Manifest {
  const files = filesOf(root);
  const needle = Buffer.from(root);
  const withRoot = files.filter((rel) => readFileSync(join(root, rel)).includes(needle));
  const yamls = files.filter((rel) => basename(rel) === "Pulumi.yaml");
  const workspaces = files.flatMap((rel) => {
    const m = /^(.+)-([0-9a-f]{40})-workspace\.json$/.exec(basename(rel));
    if (m === null || basename(dirname(rel)) !== "workspaces") return [];
    const pulumiYaml = yamls.find((y) => workspaceHash(join(root, y)) === m[2]);
    if (pulumiYaml === undefined) throw new Error(`world cache: ${rel} is for a Pulumi.yaml outside ${root}`);
    return [{ file: rel, project: m[1] as string, pulumiYaml }];
  });
  return { root, withRoot, workspaces };
}

/** Copies a saved world into root and relocates it (see the file comment). */
function copyWorld(entry: string, root: string): void {
  const manifest = JSON.parse(readFileSync(join(entry, "manifest.json"), "utf8")) as Manifest;
  cpSync(join(entry, "world"), root, { recursive: true, force: true, preserveTimestamps: true });
  for (const rel of manifest.withRoot) {
    const p = join(root, rel);
    writeFileSync(p, readFileSync(p, "utf8").split(manifest.root).join(root));
  }
  for (const ws of manifest.workspaces) {
    const to = join(
      dirname(join(root, ws.file)),
      `${ws.project}-${workspaceHash(join(root, ws.pulumiYaml))}-workspace.json`,
    );
    renameSync(join(root, ws.file), to);
  }
}

/** Saves the world just made in root; a worker that saved the same key first wins. */
function saveWorld(cacheDir: string, key: string, root: string): void {
  const entry = join(cacheDir, key);
  if (existsSync(entry)) return;
  const staging = mkdtempSync(join(cacheDir, `.${key}-`));
  try {
    cpSync(root, join(staging, "world"), { recursive: true, preserveTimestamps: true });
    writeFileSync(join(staging, "manifest.json"), JSON.stringify(manifestOf(root)));
    renameSync(staging, entry);
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Files already under root (empty folders are fine: tests make the backend folder first). */
function hasFiles(root: string): boolean {
  return filesOf(root).length > 0;
}

export function worldCacheDir(): string | undefined {
  const dir = process.env[WORLDS_ENV];
  return dir === undefined || dir === "" || dir === "off" || !existsSync(dir) ? undefined : dir;
}

/**
 * Makes the world of `spec` in its root: copied from this run's cache when an earlier file made it, else made by
 * `make` (which runs the real command and throws when it fails) and saved. Only for set-up, never for a command whose
 * own behaviour or output a test checks.
 */
export async function prepareWorld(
  spec: WorldSpec,
  make: () => Promise<void>,
  cacheDir: string | undefined = worldCacheDir(),
): Promise<WorldSource> {
  assertWorldUnderRoot(spec);
  // A root that already holds files (e.g. a fake service's port file) is not the cached world's starting point.
  if (cacheDir === undefined || hasFiles(spec.root)) {
    await make();
    return "made";
  }
  const key = worldKey(spec);
  const entry = join(cacheDir, key);
  if (existsSync(join(entry, "manifest.json"))) {
    copyWorld(entry, spec.root);
    return "copied";
  }
  await make();
  saveWorld(cacheDir, key, spec.root);
  return "made";
}
