/**
 * Where state lives: the Pulumi backend URL, the local tenantctl folder (work directories), and the
 * folder inside a file backend that holds tenantctl's own records (index, priority claims, archives).
 * Pure path logic: nothing here creates a directory; callers do when an operation really starts.
 */
import { statSync } from "node:fs";
import { homedir, userInfo } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { PrerequisiteError, UsageError } from "../errors";

export const DEFAULT_STATE_SUBDIR = "state";

export interface BackendLocation {
  /** The URL handed to Pulumi (PULUMI_BACKEND_URL). */
  readonly url: string;
  /** True when PULUMI_BACKEND_URL was not set and the project-local default is used. */
  readonly defaulted: boolean;
  /** Absolute directory of a file:// backend; undefined for s3:// and other remote backends. */
  readonly fileRoot: string | undefined;
}

/** `.tenantctl` in the working directory (git-ignored), or TENANTCTL_HOME. */
export function tenantctlHome(env: NodeJS.ProcessEnv, cwd: string): string {
  const configured = env.TENANTCTL_HOME;
  if (configured !== undefined && configured !== "") return resolve(cwd, configured);
  return join(cwd, ".tenantctl");
}

/** The home folder the way pulumi finds it for `file://~` (Go's user.Current(): the passwd entry, else $HOME). */
function pulumiHome(): string {
  try {
    return userInfo().homedir;
  } catch {
    return homedir();
  }
}

const FILE_URL_FIX = "use an absolute folder that exists: file:///absolute/path or file://~/path";

/**
 * The folder of a file:// backend URL, `~` expanded as pulumi's DIY backend does (massageBlobPath in
 * pkg/backend/diy/backend.go). A relative path is refused rather than resolved: pulumi resolves it against the
 * directory it runs in, which is tenantctl's work directory, not the operator's, so the two would read different
 * folders (and an empty one looks like an empty fleet).
 */
export function fileUrlToPath(url: string, cwd: string): string {
  let rest = url.slice("file://".length).replace(/\?.*$/, "");
  if (rest === "")
    throw new UsageError(
      `PULUMI_BACKEND_URL "${url}" names no directory (allowed: file:///absolute/path, file://~/path, s3://bucket/prefix)`,
    );
  if (rest.startsWith("~") && rest !== "~" && !rest.startsWith("~/")) {
    // pulumi drops the character after "~" here (`~ops/x` → `<home>/ps/x`): refuse rather than guess.
    throw new PrerequisiteError(
      `PULUMI_BACKEND_URL "${url}": "~user" is not expanded by pulumi (only "~" and "~/"); ${FILE_URL_FIX}`,
    );
  }
  if (rest === "~" || rest.startsWith("~/")) rest = join(pulumiHome(), rest.slice(1));
  if (!isAbsolute(rest)) {
    throw new PrerequisiteError(
      `PULUMI_BACKEND_URL "${url}" is a relative path, which pulumi would resolve from tenantctl's work directory, not from here; ${FILE_URL_FIX} (e.g. file://${resolve(cwd, rest)})`,
    );
  }
  return resolve(rest);
}

function assertFolderExists(url: string, root: string): void {
  let isDir: boolean;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    throw new PrerequisiteError(
      `PULUMI_BACKEND_URL "${url}": the folder ${root} does not exist (pulumi refuses a missing file backend); create it with \`mkdir -p ${root}\` or fix the URL`,
    );
  }
  if (!isDir) throw new PrerequisiteError(`PULUMI_BACKEND_URL "${url}": ${root} is not a folder; ${FILE_URL_FIX}`);
}

/**
 * The backend of PULUMI_BACKEND_URL, or the project-local default. A file:// URL must name an existing absolute
 * folder (exit 5 otherwise); the engine gets it as `file://<absolute path>` so that tenantctl and pulumi agree.
 * The default folder is created by the first operation that needs it.
 */
export function resolveBackend(env: NodeJS.ProcessEnv, cwd: string): BackendLocation {
  const configured = env.PULUMI_BACKEND_URL;
  if (configured === undefined || configured.trim() === "") {
    const root = join(tenantctlHome(env, cwd), DEFAULT_STATE_SUBDIR);
    return { url: `file://${root}`, defaulted: true, fileRoot: root };
  }
  const url = configured.trim();
  if (url.startsWith("file://")) {
    const root = fileUrlToPath(url, cwd);
    assertFolderExists(url, root);
    const query = /\?.*$/.exec(url)?.[0] ?? "";
    return { url: `file://${root}${query}`, defaulted: false, fileRoot: root };
  }
  if (/^(s3|gs|azblob|https?):\/\//.test(url)) return { url, defaulted: false, fileRoot: undefined };
  throw new UsageError(
    `PULUMI_BACKEND_URL "${url}" is not a backend URL (allowed: file://<dir>, s3://<bucket>[/prefix], gs://, azblob://, https://api.pulumi.com)`,
  );
}

/** The stable work directory of one Pulumi project (Pulumi.yaml and per-stack settings live there). */
export function projectWorkDir(env: NodeJS.ProcessEnv, cwd: string, project: string): string {
  return join(tenantctlHome(env, cwd), "work", project);
}

/** tenantctl's own records inside a file backend, next to Pulumi's `.pulumi` folder. */
export function recordsRoot(fileRoot: string): string {
  return join(fileRoot, ".tenantctl");
}
