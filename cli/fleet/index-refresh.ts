/**
 * `list tenants --refresh`: rebuilds the tenant index from the stacks themselves — the slow path (`stack ls` reads
 * every checkpoint, then one `stack output` per stack) that the index exists to avoid on every `list`. Entries whose
 * stack is gone are removed, missing ones are added, ones whose spec or URL differs are rewritten; the others are
 * left as they are, so their last-operation history survives.
 */
import type { TenantSpec } from "../../infra/spec";
import { TENANTS_PROJECT } from "../orchestration/projects";
import type { EngineSession } from "../orchestration/session";
import { plainOutputs } from "../orchestration/shared-stack";
import { listIndex, removeIndexEntry, writeIndexEntry, type TenantIndexEntry } from "../store/tenant-index";
import { openWorkspace } from "../orchestration/workspace";
import { automationSdk } from "../orchestration/pulumi-sdk";
import { boundedEach } from "./concurrency";
import { specFromOutputs } from "../../infra/tenant/outputs";

export interface IndexRefreshResult {
  readonly stacks: number;
  readonly added: string[];
  readonly updated: string[];
  readonly removed: string[];
  /** Stacks without a readable `spec` output (e.g. a first update that failed); left out of the index. */
  readonly unreadable: string[];
}

const REFRESH_CONCURRENCY = 8;

/** `org/project/stack` or `stack` → `stack`. */
export function bareStackName(name: string): string {
  return name.split("/").pop() ?? name;
}

/** Pure: whether an index entry no longer matches its stack. */
export function entryIsStale(entry: TenantIndexEntry, spec: TenantSpec, url: string | undefined): boolean {
  return JSON.stringify(entry.spec) !== JSON.stringify(spec) || (url !== undefined && entry.url !== url);
}

export async function refreshTenantIndex(session: EngineSession): Promise<IndexRefreshResult> {
  const { StackNotFoundError } = await automationSdk();
  const workspace = await openWorkspace(session.workspace, TENANTS_PROJECT, undefined);
  const stacks = (await workspace.listStacks()).map((s) => bareStackName(s.name));
  const indexed = new Map((await listIndex(session.store, TENANTS_PROJECT)).map((e) => [e.stack, e]));
  const result: IndexRefreshResult = { stacks: stacks.length, added: [], updated: [], removed: [], unreadable: [] };
  await boundedEach(stacks, REFRESH_CONCURRENCY, async (name) => {
    // Reading outputs needs no selected stack (one `stack select` less per stack) and, plain values only, one
    // `stack output` (cli/orchestration/workspace.ts); a stack removed since is read as none.
    const outputs = plainOutputs(
      await workspace.stackOutputs(name).catch((error: unknown) => {
        if (error instanceof StackNotFoundError) return {};
        throw error;
      }),
    );
    let spec: TenantSpec;
    try {
      spec = specFromOutputs(outputs);
    } catch {
      result.unreadable.push(name);
      return;
    }
    const url = typeof outputs.url === "string" ? outputs.url : undefined;
    const entry = indexed.get(name);
    if (entry !== undefined && !entryIsStale(entry, spec, url)) return;
    await writeIndexEntry(session.store, {
      spec,
      project: TENANTS_PROJECT,
      stack: name,
      url,
      operation: entry?.lastOperation ?? "provision",
      status: entry?.status ?? "succeeded",
      message: entry === undefined ? "indexed by list --refresh" : "re-indexed by list --refresh",
      now: session.io.now(),
    });
    (entry === undefined ? result.added : result.updated).push(name);
  });
  const live = new Set(stacks);
  for (const name of indexed.keys()) {
    if (live.has(name)) continue;
    await removeIndexEntry(session.store, TENANTS_PROJECT, name);
    result.removed.push(name);
  }
  for (const list of [result.added, result.updated, result.removed, result.unreadable]) list.sort();
  return result;
}
