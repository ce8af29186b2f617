import type { Deployment, PendingOperation, ResourceState } from "../backend/state";
import { newManifest } from "../backend/state";

/**
 * The deployment as it evolves during one operation. Like the real engine it is written after every step, so a
 * killed process leaves the resources done so far, the untouched old ones and the pending operation on disk.
 */
export class SnapshotManager {
  readonly olds = new Map<string, ResourceState>();
  private readonly oldOrder: string[] = [];
  private readonly news = new Map<string, ResourceState>();
  private readonly newOrder: string[] = [];
  private readonly removed = new Set<string>();
  /** Old versions of replaced resources awaiting deletion (`delete: true` in the checkpoint, as Pulumi writes them). */
  private readonly replaced = new Map<string, ResourceState>();
  private pending: PendingOperation[] = [];

  constructor(
    private readonly base: Deployment,
    private readonly persistFn: ((d: Deployment) => void) | undefined,
  ) {
    for (const r of base.resources ?? []) {
      if (r.delete) continue;
      this.olds.set(r.urn, r);
      this.oldOrder.push(r.urn);
    }
  }

  oldResources(): ResourceState[] {
    return this.oldOrder.map((u) => this.olds.get(u)).filter((r): r is ResourceState => r !== undefined);
  }

  isRegistered(urn: string): boolean {
    return this.news.has(urn);
  }

  getNew(urn: string): ResourceState | undefined {
    return this.news.get(urn);
  }

  setNew(state: ResourceState): void {
    if (!this.news.has(state.urn)) this.newOrder.push(state.urn);
    this.news.set(state.urn, state);
    this.persist();
  }

  markReplaced(old: ResourceState): void {
    this.replaced.set(old.urn, old);
    this.persist();
  }

  replacedResources(): ResourceState[] {
    return [...this.replaced.values()];
  }

  finishReplaced(urn: string): void {
    this.replaced.delete(urn);
    this.persist();
  }

  removeOld(urn: string): void {
    this.removed.add(urn);
    this.persist();
  }

  beginPending(op: PendingOperation): () => void {
    this.pending.push(op);
    this.persist();
    return () => {
      this.pending = this.pending.filter((p) => p !== op);
    };
  }

  /** New resources in registration order, then old ones not (yet) re-registered, minus the deleted ones. */
  deployment(): Deployment {
    const resources: ResourceState[] = [];
    for (const old of this.replaced.values()) resources.push({ ...old, delete: true });
    for (const urn of this.newOrder) {
      const r = this.news.get(urn);
      if (r) resources.push(r);
    }
    for (const urn of this.oldOrder) {
      const r = this.olds.get(urn);
      if (r && !this.news.has(urn) && !this.removed.has(urn)) resources.push(r);
    }
    return {
      ...this.base,
      manifest: newManifest(),
      resources,
      ...(this.pending.length > 0 ? { pending_operations: [...this.pending] } : { pending_operations: undefined }),
    };
  }

  persist(): void {
    this.persistFn?.(this.deployment());
  }
}
