/**
 * A cache of prepared "worlds" for end-to-end test set-up (README, "The world cache").
 *
 * A world is everything a SEQUENCE of `tenantctl` set-up commands (steps) leaves under a test's private root folder:
 * the file backend (`.pulumi/` stacks and history, `.pulumi-standin/` the simulated account, `.tenantctl/` records),
 * the TENANTCTL_HOME work folders (Pulumi.yaml, Pulumi.<stack>.yaml with the stack's encryption salt), PULUMI_HOME
 * (workspaces/, the selected stack) and the stand-in's passphrase-key cache. Most worlds are one step (`shared up`);
 * the fleet tests' worlds are `shared up` then tenant provisions, one after another. The first test file of a jest run
 * that needs a world runs the real commands in its own root and saves a copy after EACH step; later files copy the
 * longest saved prefix of their sequence into their root and run only the steps after it (a world of 6 tenants is the
 * saved world of 5 plus one provision).
 *
 * Two things in a world name its root, and a copy fixes both: files that contain the root's absolute path (tenantctl
 * writes the backend URL into each work folder's Pulumi.yaml) get it replaced, and PULUMI_HOME's
 * `workspaces/<project>-<sha1 of the Pulumi.yaml path>-workspace.json` files are renamed for the new path. The copy is
 * then byte-identical to what the commands write in that root (test/support/world-cache.test.ts proves a copied world,
 * of one step and of several, behaves like a fresh one).
 *
 * The cache folder is made by jest's globalSetup (test/support/world-cache-setup.js) under os.tmpdir(), shared by the
 * workers of the run and removed at the end. The entry of a sequence's first step is keyed by a hash of dist/ (the CLI
 * and the stand-in), the stand-in launcher, the lock file, the repository's Pulumi*.yaml files, any other input file
 * the command reads, and the exact argv and environment with the root written as `<root>`; the entry of each later
 * step by the previous step's key, its argv and its inputs. A worker that makes a step's world holds a lock on its key
 * (a folder `.<key>.lock` naming its pid): another worker that needs the same step waits for it and copies the result
 * instead of running the same commands beside it (a lock whose process is gone is taken over). An entry is written to
 * a temporary folder and renamed into place. Without the globalSetup (or with TENANTCTL_TEST_WORLDS=off) every world
 * is made by the real commands.
 */
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
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

/** One set-up command of a world made of several. */
export interface WorldStep {
  /** The command's arguments (part of the key). */
  readonly argv: readonly string[];
  /** Files outside dist/ the command reads (e.g. a --config-file): their contents are part of the key. */
  readonly inputs?: readonly string[];
}

export interface WorldStepsSpec {
  /** The test's private root folder: the world must lie entirely under it (cached only when it starts empty). */
  readonly root: string;
  /** The commands' cwd (default: root). */
  readonly cwd?: string;
  /** The commands' complete environment (part of the key, with the root written as `<root>`). */
  readonly env: NodeJS.ProcessEnv;
  /** The set-up commands, run one after another. */
  readonly steps: readonly WorldStep[];
}

/** "copied": every step came from the cache; "extended": a saved prefix was copied and the later steps were run. */
export type WorldSource = "made" | "copied" | "extended";

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
function assertWorldUnderRoot(spec: Omit<WorldSpec, "argv">): void {
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

/** The keys of a sequence's prefixes: keys[i] names the world after steps 0..i (keys[0] is the first step's worldKey). */
export function worldKeys(spec: WorldStepsSpec): string[] {
  const keys: string[] = [];
  const rooted = (v: string): string => v.split(spec.root).join("<root>");
  spec.steps.forEach((step, i) => {
    if (i === 0) {
      keys.push(worldKey({ root: spec.root, cwd: spec.cwd, env: spec.env, argv: step.argv, inputs: step.inputs }));
      return;
    }
    const hash = createHash("sha256").update(`${keys[i - 1] ?? ""}\0`);
    for (const file of step.inputs ?? []) hash.update(file).update("\0").update(readFileSync(file)).update("\0");
    hash.update(JSON.stringify(step.argv.map(rooted)));
    keys.push(hash.digest("hex").slice(0, 32));
  });
  return keys;
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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: unknown) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes the lock on a key's entry: a release function, or undefined when another live process holds it. A lock left by
 * a process that is gone (a killed jest worker) is removed and taken.
 */
function tryLock(cacheDir: string, key: string): (() => void) | undefined {
  const lock = join(cacheDir, `.${key}.lock`);
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, "pid"), String(process.pid));
      return () => rmSync(lock, { recursive: true, force: true });
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    let pid: number;
    try {
      pid = Number(readFileSync(join(lock, "pid"), "utf8"));
    } catch {
      return undefined; // just made, its pid not written yet (or just released): the caller looks again
    }
    if (!Number.isInteger(pid) || pid <= 0 || isAlive(pid)) return undefined;
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Empties root (its world is replaced by a longer one another worker saved meanwhile). */
function emptyRoot(root: string): void {
  for (const name of readdirSync(root)) rmSync(join(root, name), { recursive: true, force: true });
}

/**
 * Makes the world of `spec`'s steps in its root: the longest prefix saved in this run's cache is copied, and each later
 * step is run by `run` (which runs the real command and throws when it fails), its world saved. Only for set-up, never
 * for a command whose own behaviour or output a test checks.
 */
export async function prepareWorldSteps(
  spec: WorldStepsSpec,
  run: (step: WorldStep, index: number) => Promise<void>,
  cacheDir: string | undefined = worldCacheDir(),
): Promise<WorldSource> {
  assertWorldUnderRoot(spec);
  // A root that already holds files (e.g. a fake service's port file) is not the cached world's starting point.
  if (cacheDir === undefined || hasFiles(spec.root)) {
    for (const [i, step] of spec.steps.entries()) await run(step, i);
    return "made";
  }
  const keys = worldKeys(spec);
  const saved = (i: number): boolean => existsSync(join(cacheDir, keys[i] ?? "", "manifest.json"));
  let copied = false;
  let ran = false;
  let next = 0; // the first step whose world is not in root yet
  while (next < keys.length) {
    let longest = keys.length - 1;
    while (longest >= next && !saved(longest)) longest--;
    if (longest >= next) {
      if (ran || copied) emptyRoot(spec.root);
      copyWorld(join(cacheDir, keys[longest] ?? ""), spec.root);
      copied = true;
      next = longest + 1;
      continue;
    }
    const key = keys[next] ?? "";
    const release = tryLock(cacheDir, key);
    if (release === undefined) {
      // Another worker is making this step's world: wait, then copy it (or make it, should that worker fail).
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    try {
      if (saved(next)) continue; // saved between the look and the lock
      await run(spec.steps[next] as WorldStep, next);
      saveWorld(cacheDir, key, spec.root);
      ran = true;
      next++;
    } finally {
      release();
    }
  }
  return !ran ? "copied" : copied ? "extended" : "made";
}

/**
 * Makes the world of one set-up command in its root: copied from this run's cache when an earlier file made it, else
 * made by `make` (which runs the real command and throws when it fails) and saved. Only for set-up, never for a
 * command whose own behaviour or output a test checks.
 */
export async function prepareWorld(
  spec: WorldSpec,
  make: () => Promise<void>,
  cacheDir: string | undefined = worldCacheDir(),
): Promise<WorldSource> {
  const { argv, inputs, ...rest } = spec;
  return prepareWorldSteps({ ...rest, steps: [{ argv, inputs }] }, make, cacheDir);
}
