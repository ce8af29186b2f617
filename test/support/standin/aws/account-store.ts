import * as fs from "node:fs";
import * as path from "node:path";
import { canonicalType } from "../../../../infra/sim/aws-model";
import type { PropertyMap } from "../engine/values";
import { tmpNameFor } from "../backend/tmp-name";

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
  /** The resources of the shards in scope (every resource when unscoped). */
  resources: CloudResource[];
  deletedSecrets: DeletedSecret[];
  snapshots: DbSnapshot[];
  /** Added to the wall clock, so tests can let a secret's recovery window pass. */
  clockOffsetMs: number;
}

/**
 * Which shards an operation needs: the canonical resource types whose resources it reads or writes, and whether it
 * needs the meta shard (deleted secrets, snapshots, the clock offset). Outside its scope an operation sees no
 * resources of other types, and touching the meta fields throws.
 */
export interface AccountScope {
  readonly types: readonly string[];
  readonly meta?: boolean;
}

interface Meta {
  deletedSecrets: DeletedSecret[];
  snapshots: DbSnapshot[];
  clockOffsetMs: number;
}

const LOCK_TIMEOUT_MS = 30_000;
const BREAKER_STALE_MS = 5_000;
const META = "meta";
const TYPE_PREFIX = "type-";

/** `<backend>/.pulumi-standin`: the simulated account (`account/`) lives here. */
export function accountDir(backendRoot: string): string {
  return path.join(backendRoot, ".pulumi-standin");
}

/**
 * The account's shard directory: `meta.json` and one `type-<canonical type, URI-encoded>.json` per resource type,
 * each a compact JSON file guarded by its own `<shard>.lock` directory.
 */
export function shardDir(backendRoot: string): string {
  return path.join(accountDir(backendRoot), "account");
}

const shardName = (canonical: string): string => `${TYPE_PREFIX}${encodeURIComponent(canonical)}`;

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

function holderOf(lock: string): number {
  try {
    return Number(fs.readFileSync(path.join(lock, "pid"), "utf8"));
  } catch {
    return NaN; // no lock, or its holder is between mkdir and writing its pid
  }
}

/**
 * Removes `lock` if its holder `dead` has died, under a short-lived breaker lock so that two waiters who both saw the
 * dead holder cannot both break it (the second would remove the lock the first has just taken). A breaker left by a
 * process killed in those few microseconds is ignored after BREAKER_STALE_MS. Exported for tests.
 */
export function breakDeadLock(lock: string, dead: number): void {
  const breaker = `${lock}.break`;
  try {
    fs.mkdirSync(breaker);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    try {
      if (Date.now() - fs.statSync(breaker).mtimeMs > BREAKER_STALE_MS)
        fs.rmSync(breaker, { recursive: true, force: true });
    } catch {
      // removed by its holder meanwhile
    }
    return;
  }
  try {
    if (holderOf(lock) === dead) fs.rmSync(lock, { recursive: true, force: true });
  } finally {
    fs.rmSync(breaker, { recursive: true, force: true });
  }
}

/**
 * Takes one shard's directory lock. These locks are short-lived (one read-check-write) and are taken over when their
 * holder has died (a killed `up`). Returns the release function.
 */
function lockShard(dir: string, name: string, deadline: number): () => void {
  const lock = path.join(dir, `${name}.lock`);
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, "pid"), String(process.pid));
      return () => fs.rmSync(lock, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = holderOf(lock);
      if (holder === process.pid)
        throw new Error(`internal error: nested withAccount: this process already holds ${lock}`);
      if (Number.isInteger(holder) && holder > 0 && !alive(holder)) breakDeadLock(lock, holder);
      else if (Date.now() > deadline) throw new Error(`timed out waiting for the simulated AWS account lock ${lock}`);
      else sleepSync(5);
    }
  }
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** Writes a shard unless its text is unchanged (read-only operations write nothing). */
function writeIfChanged(file: string, before: string | undefined, after: string): void {
  if (after === before) return;
  const tmp = tmpNameFor(file);
  fs.writeFileSync(tmp, after);
  fs.renameSync(tmp, file);
}

/** Every type shard that exists now or is being created (its lock is held), by canonical type. */
function existingTypes(dir: string): string[] {
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const types = names.flatMap((n) => {
    const m = /^type-(.+)\.(json|lock)$/.exec(n);
    return m === null ? [] : [decodeURIComponent(m[1])];
  });
  return [...new Set(types)];
}

function outOfScope(field: string): never {
  throw new Error(
    `internal error: the simulated AWS account's ${field} is outside this operation's scope (add meta: true)`,
  );
}

/**
 * Runs `fn` over the simulated AWS account under its locks and writes back what changed. The account is sharded:
 * one file and one lock per canonical resource type plus a small meta shard, so stacks touching different types never
 * wait for each other and an operation's cost follows the size of its own type, not of the account.
 *
 * Without a scope, every shard is locked (in a fixed order, so no two callers deadlock) and loaded; test helpers use
 * this. With a scope (`accountScope` in account-rules.ts derives it from the rules), only those shards are.
 */
export function withAccount<T>(backendRoot: string, fn: (state: AccountState) => T): T;
export function withAccount<T>(backendRoot: string, scope: AccountScope, fn: (state: AccountState) => T): T;
export function withAccount<T>(
  backendRoot: string,
  scopeOrFn: AccountScope | ((state: AccountState) => T),
  maybeFn?: (state: AccountState) => T,
): T {
  const dir = shardDir(backendRoot);
  fs.mkdirSync(dir, { recursive: true });
  const legacy = path.join(accountDir(backendRoot), "account.json");
  if (fs.existsSync(legacy)) migrateLegacy(dir, legacy);
  if (typeof scopeOrFn === "function") return locked(dir, existingTypes(dir), true, scopeOrFn);
  if (maybeFn === undefined) throw new Error("internal error: withAccount(backendRoot, scope) needs a function");
  return locked(dir, scopeOrFn.types, scopeOrFn.meta === true, maybeFn);
}

const DEFAULT_META = (): Meta => ({ deletedSecrets: [], snapshots: [], clockOffsetMs: 0 });

function locked<T>(dir: string, scopeTypes: readonly string[], withMeta: boolean, fn: (state: AccountState) => T): T {
  const types = [...new Set(scopeTypes.map(canonicalType))];
  // Every caller takes its locks in one global order (sorted shard names), so no two callers can deadlock.
  const shards = [...types.map(shardName), ...(withMeta ? [META] : [])].sort();
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  const releases: (() => void)[] = [];
  try {
    for (const name of shards) releases.push(lockShard(dir, name, deadline));
    const texts = new Map(shards.map((name) => [name, readText(path.join(dir, `${name}.json`))]));
    const resources = types.flatMap((t) => {
      const text = texts.get(shardName(t));
      return text === undefined ? [] : (JSON.parse(text) as CloudResource[]);
    });
    const metaText = texts.get(META);
    const meta: Meta = {
      ...DEFAULT_META(),
      ...(metaText === undefined ? {} : (JSON.parse(metaText) as Partial<Meta>)),
    };
    const state = { resources } as AccountState;
    for (const field of ["deletedSecrets", "snapshots", "clockOffsetMs"] as const) {
      Object.defineProperty(state, field, {
        enumerable: true,
        get: () => (withMeta ? meta[field] : outOfScope(field)),
        set: (v: unknown) => {
          if (!withMeta) outOfScope(field);
          (meta as unknown as Record<string, unknown>)[field] = v;
        },
      });
    }
    const result = fn(state);
    const byType = new Map<string, CloudResource[]>(types.map((t) => [t, []]));
    for (const r of state.resources) {
      const bucket = byType.get(canonicalType(r.type));
      if (bucket === undefined) {
        throw new Error(
          `internal error: a ${r.type} was put into the simulated AWS account outside the shards in scope (${types.join(", ") || "none"})`,
        );
      }
      bucket.push(r);
    }
    for (const [t, list] of byType) {
      const name = shardName(t);
      const before = texts.get(name);
      // A shard that never existed and is still empty stays absent.
      if (before === undefined && list.length === 0) continue;
      writeIfChanged(path.join(dir, `${name}.json`), before, JSON.stringify(list));
    }
    if (withMeta) {
      const after = JSON.stringify(meta);
      if (metaText !== undefined || after !== JSON.stringify(DEFAULT_META()))
        writeIfChanged(path.join(dir, `${META}.json`), metaText, after);
    }
    return result;
  } finally {
    for (const release of releases.reverse()) release();
  }
}

/**
 * A backend written by an older stand-in holds the whole account in one `account.json`: split it into shards once
 * (under a lock of its own, taken before any shard lock) and keep the old file as `account.json.migrated`.
 */
function migrateLegacy(dir: string, legacy: string): void {
  const release = lockShard(dir, "legacy", Date.now() + LOCK_TIMEOUT_MS);
  try {
    const text = readText(legacy);
    if (text === undefined) return;
    const old = JSON.parse(text) as Partial<AccountState>;
    const resources = old.resources ?? [];
    locked(
      dir,
      resources.map((r) => r.type),
      true,
      (state) => {
        state.resources.push(...resources);
        state.deletedSecrets.push(...(old.deletedSecrets ?? []));
        state.snapshots.push(...(old.snapshots ?? []));
        state.clockOffsetMs += old.clockOffsetMs ?? 0;
      },
    );
    fs.renameSync(legacy, `${legacy}.migrated`);
  } finally {
    release();
  }
}

export function accountNow(state: AccountState): Date {
  return new Date(Date.now() + state.clockOffsetMs);
}
