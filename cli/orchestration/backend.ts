/**
 * Where state lives: the Pulumi backend URL, the local tenantctl folder (work directories), and the
 * folder inside a file backend that holds tenantctl's own records (index, priority claims, archives).
 * Pure path logic: nothing here creates a directory; callers do when an operation really starts.
 */
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { UsageError } from "../errors";

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

export function fileUrlToPath(url: string, cwd: string): string {
  let rest = url.slice("file://".length);
  if (rest === "~" || rest.startsWith("~/")) rest = join(homedir(), rest.slice(1));
  if (rest === "") throw new UsageError(`PULUMI_BACKEND_URL "${url}" names no directory (allowed: file:///absolute/path, file://~/path, s3://bucket/prefix)`);
  return isAbsolute(rest) ? rest : resolve(cwd, rest);
}

export function resolveBackend(env: NodeJS.ProcessEnv, cwd: string): BackendLocation {
  const configured = env.PULUMI_BACKEND_URL;
  if (configured === undefined || configured.trim() === "") {
    const root = join(tenantctlHome(env, cwd), DEFAULT_STATE_SUBDIR);
    return { url: `file://${root}`, defaulted: true, fileRoot: root };
  }
  const url = configured.trim();
  if (url.startsWith("file://")) return { url, defaulted: false, fileRoot: fileUrlToPath(url, cwd) };
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
