/**
 * Per-resource changes of one engine operation, collected from its events for the pull-request comments: what
 * changes, which properties, and which changes replace a resource. Values are shown only when they are plain
 * scalars that are neither marked secret nor named like one; everything else is reduced to "changed".
 */
import type { EngineEvent, StepEventMetadata } from "@pulumi/pulumi/automation";
import { urnParts } from "../progress";
import { runEngine, type EngineCallOptions, type EngineOutcome, type EngineRun } from "../orchestration/run-engine";

export type ChangeOp = "create" | "update" | "replace" | "delete";

export interface PropertyChange {
  readonly key: string;
  /** Rendered old/new values, or undefined when they must not or cannot be shown. */
  readonly before: string | undefined;
  readonly after: string | undefined;
}

export interface ResourceChange {
  readonly op: ChangeOp;
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly properties: readonly PropertyChange[];
}

const OPS: Readonly<Record<string, ChangeOp>> = {
  create: "create",
  update: "update",
  delete: "delete",
  replace: "replace",
  "create-replacement": "replace",
  "delete-replaced": "replace",
  "discard-replaced": "replace",
};

/** Property names whose values are never printed, whatever the engine says about them. */
const SECRETISH = /pass(word|phrase)?|secret|token|private|credential|api[-_]?key|signing|salt/i;
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const VALUE_MAX = 60;

export function displayValue(key: string, value: unknown): string | undefined {
  if (SECRETISH.test(key)) return undefined;
  if (value === undefined || value === null) return "(none)";
  if (typeof value === "object") return undefined;
  if (value === "[secret]" || String(value).includes(SECRET_SIG)) return undefined;
  const text = JSON.stringify(value);
  return text.length > VALUE_MAX ? `${text.slice(0, VALUE_MAX - 1)}…` : text;
}

function isSecretValue(value: unknown): boolean {
  if (value === "[secret]") return true;
  return typeof value === "object" && value !== null && SECRET_SIG in value;
}

function propertyChanges(meta: StepEventMetadata): PropertyChange[] {
  const keys = meta.diffs ?? Object.keys(meta.detailedDiff ?? {});
  const oldInputs = meta.old?.inputs ?? {};
  const newInputs = meta.new?.inputs ?? {};
  return [...new Set(keys.map((key) => key.split(/[.[]/)[0] ?? key))].sort().map((key) => {
    const hidden = isSecretValue(oldInputs[key]) || isSecretValue(newInputs[key]);
    return {
      key,
      before: hidden ? undefined : displayValue(key, oldInputs[key]),
      after: hidden ? undefined : displayValue(key, newInputs[key]),
    };
  });
}

/** Folds one operation's resource events into one change per resource (a replacement's steps become one). */
export class ChangeCollector {
  private readonly byUrn = new Map<string, ResourceChange>();

  handle(event: EngineEvent): void {
    const meta = event.resourcePreEvent?.metadata;
    if (meta === undefined) return;
    const op = OPS[meta.op];
    if (op === undefined || meta.type === "pulumi:pulumi:Stack" || meta.type.startsWith("pulumi:providers:")) return;
    const properties = propertyChanges(meta);
    // Components (custom: false) group their children, which carry the changes; a component whose own inputs
    // changed (a remote one such as awsx's Vpc) is kept, since its children may not be visible until it runs.
    if ((meta.new ?? meta.old)?.custom === false && (op === "create" || op === "delete" || properties.length === 0))
      return;
    const previous = this.byUrn.get(meta.urn);
    this.byUrn.set(meta.urn, {
      op: previous !== undefined && previous.op !== op ? "replace" : op,
      type: meta.type,
      name: urnParts(meta.urn).name,
      urn: meta.urn,
      properties: properties.length > 0 ? properties : (previous?.properties ?? []),
    });
  }

  /** Changes in a stable order: replacements first (the ones a reviewer must see), then deletes, updates, creates. */
  changes(): ResourceChange[] {
    const rank: Record<ChangeOp, number> = { replace: 0, delete: 1, update: 2, create: 3 };
    return [...this.byUrn.values()].sort(
      (a, b) => rank[a.op] - rank[b.op] || a.type.localeCompare(b.type) || a.name.localeCompare(b.name),
    );
  }
}

export interface CollectedOutcome<T> extends EngineOutcome<T> {
  readonly resources: readonly ResourceChange[];
}

/** runEngine (progress, Ctrl-C, error translation) plus the per-resource changes of the operation. */
export async function runCollecting<T>(
  run: EngineRun,
  call: (options: EngineCallOptions) => Promise<T>,
): Promise<CollectedOutcome<T>> {
  const collector = new ChangeCollector();
  const outcome = await runEngine(run, (options) =>
    call({
      ...options,
      onEvent: (event) => {
        collector.handle(event);
        options.onEvent(event);
      },
    }),
  );
  return { ...outcome, resources: collector.changes() };
}

/** `{ create: 3, update: 1 }` from the collected changes (the engine's summary counts components too). */
export function countChanges(resources: readonly ResourceChange[]): Partial<Record<ChangeOp, number>> {
  const counts: Partial<Record<ChangeOp, number>> = {};
  for (const r of resources) counts[r.op] = (counts[r.op] ?? 0) + 1;
  return counts;
}
