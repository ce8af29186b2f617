/**
 * tenantctl's own records in the backend (tenant index, listener priority claims, teardown records, archives).
 * Keys are relative paths like `index/tenantctl-tenants/dev-acme.json`. File store: writes are atomic (temp file +
 * rename) and `createExclusive` is an exclusive hard link of a complete file, which is what makes concurrent priority
 * claims safe. The s3:// store (records-s3.ts) keeps the same contract; test/records/contract.test.ts runs both.
 */
import { randomBytes } from "node:crypto";
import { link, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, sep } from "node:path";
import { PrerequisiteError } from "../errors";
import { recordsRoot, type BackendLocation } from "./backend";
import { S3RecordStore } from "./records-s3";
import { parseS3BackendUrl } from "./s3-url";

export interface RecordStore {
  /** Where the records live, for messages (a directory or URL). */
  readonly location: string;
  readJson<T>(key: string): Promise<T | undefined>;
  writeJson(key: string, value: unknown): Promise<void>;
  /** Creates the record only if it does not exist; false when someone else already holds the key. */
  createExclusive(key: string, value: unknown): Promise<boolean>;
  /** Names of the records directly under a folder key (no recursion); empty when the folder does not exist. */
  list(folder: string): Promise<string[]>;
  remove(key: string): Promise<void>;
}

function isErrno(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === code;
}

function checkKey(key: string): string {
  if (key.split("/").some((part) => part === "" || part === "." || part === "..")) {
    throw new Error(`invalid record key "${key}"`);
  }
  return key.split("/").join(sep);
}

export class FileRecordStore implements RecordStore {
  constructor(readonly location: string) {}

  private path(key: string): string {
    return join(this.location, checkKey(key));
  }

  async readJson<T>(key: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(this.path(key), "utf8")) as T;
    } catch (error: unknown) {
      if (isErrno(error, "ENOENT")) return undefined;
      throw error;
    }
  }

  async writeJson(key: string, value: unknown): Promise<void> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    const temp = `${target}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    await writeFile(temp, `${JSON.stringify(value, null, 2)}\n`, "utf8");
    await rename(temp, target);
  }

  async createExclusive(key: string, value: unknown): Promise<boolean> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    // Write the whole record first, then hard-link it into place: link() fails with EEXIST when the key is taken,
    // and a reader never sees a half-written record.
    const temp = `${target}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    await writeFile(temp, `${JSON.stringify(value, null, 2)}\n`, "utf8");
    try {
      await link(temp, target);
      return true;
    } catch (error: unknown) {
      if (isErrno(error, "EEXIST")) return false;
      throw error;
    } finally {
      await rm(temp, { force: true });
    }
  }

  async list(folder: string): Promise<string[]> {
    try {
      const entries = await readdir(this.path(folder), { withFileTypes: true });
      return entries
        .filter((entry) => !entry.name.endsWith(".tmp"))
        .map((entry) => entry.name)
        .sort();
    } catch (error: unknown) {
      if (isErrno(error, "ENOENT")) return [];
      throw error;
    }
  }

  async remove(key: string): Promise<void> {
    await rm(this.path(key), { force: true, recursive: true });
  }
}

/**
 * The record store of a backend: a folder next to a file:// backend's `.pulumi`, or objects under
 * `<prefix>/.tenantctl/` of an s3:// backend's bucket. Other remote backends are refused (exit 5).
 */
export function openRecordStore(backend: BackendLocation): RecordStore {
  if (backend.fileRoot !== undefined) return new FileRecordStore(recordsRoot(backend.fileRoot));
  if (backend.url.startsWith("s3://")) return new S3RecordStore(parseS3BackendUrl(backend.url));
  const scheme = /^([a-z0-9+.-]+):\/\//i.exec(backend.url)?.[1] ?? backend.url;
  const what =
    scheme === "https" || scheme === "http" ? "Pulumi Cloud (or another HTTP backend)" : `${scheme}:// backends`;
  throw new PrerequisiteError(
    `tenantctl keeps its tenant index and listener priority claims next to the state, which this version supports for file:// and s3:// backends only; ${what} are not supported (got ${backend.url})`,
    {
      hint: "use PULUMI_BACKEND_URL=s3://<bucket>[/prefix] or file://<shared directory>, or `tenantctl synth tenant <slug>` to see the plan without a backend",
    },
  );
}
