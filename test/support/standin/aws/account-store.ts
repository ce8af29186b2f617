import * as fs from "node:fs";
import * as path from "node:path";
import type { PropertyMap } from "../engine/values";

/** A resource as it exists in the simulated AWS account, whichever stack created it. */
export interface CloudResource {
  type: string;
  id: string;
  urn: string;
  /** `<project>/<stack>` that created it; retained resources keep it after leaving the stack. */
  stack: string;
  name: string;
  physicalName?: string;
  /** Plain values; secret values are stored as "[secret]" so the backend folder never holds plaintext secrets. */
  inputs: PropertyMap;
  outputs: PropertyMap;
  /** Seed for names and ids, kept so updates reproduce the same ARNs. */
  seed: string;
  createdAt: string;
}

export interface DeletedSecret {
  name: string;
  arn: string;
  deletedAt: string;
  recoveryWindowInDays: number;
}

export interface DbSnapshot {
  dbSnapshotIdentifier: string;
  dbSnapshotArn: string;
  dbInstanceIdentifier: string;
  engine: string;
  engineVersion: string;
  allocatedStorage: number;
  snapshotCreateTime: string;
  tags: Record<string, string>;
  stack: string;
}

export interface AccountState {
  resources: CloudResource[];
  deletedSecrets: DeletedSecret[];
  snapshots: DbSnapshot[];
  /** Added to the wall clock, so tests can let a secret's recovery window pass. */
  clockOffsetMs: number;
}

const EMPTY: AccountState = { resources: [], deletedSecrets: [], snapshots: [], clockOffsetMs: 0 };
const LOCK_TIMEOUT_MS = 30_000;

export function accountDir(backendRoot: string): string {
  return path.join(backendRoot, ".pulumi-standin");
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The account file is shared by every stack's process, so each read-check-write runs under a directory lock.
 * Unlike stack locks this one is short-lived and is taken over when its holder has died (a killed `up`).
 */
export function withAccount<T>(backendRoot: string, fn: (state: AccountState) => T): T {
  const dir = accountDir(backendRoot);
  fs.mkdirSync(dir, { recursive: true });
  const lock = path.join(dir, "account.lock");
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, "pid"), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      let holder = NaN;
      try {
        holder = Number(fs.readFileSync(path.join(lock, "pid"), "utf8"));
      } catch {
        // the holder is between mkdir and writing its pid; wait for it
      }
      if (Number.isFinite(holder) && holder > 0 && !alive(holder)) fs.rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`timed out waiting for the simulated AWS account lock ${lock}`);
      else sleepSync(10);
    }
  }
  try {
    const file = path.join(dir, "account.json");
    const state: AccountState = fs.existsSync(file)
      ? { ...EMPTY, ...(JSON.parse(fs.readFileSync(file, "utf8")) as Partial<AccountState>) }
      : structuredClone(EMPTY);
    const result = fn(state);
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(state, null, 2));
    fs.renameSync(tmp, file);
    return result;
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

export function accountNow(state: AccountState): Date {
  return new Date(Date.now() + state.clockOffsetMs);
}
