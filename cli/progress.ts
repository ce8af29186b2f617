/**
 * Engine events → progress lines on stderr. On a TTY: per-resource lines with elapsed time; otherwise (CI, pipes):
 * plain timestamped lines. Also remembers which resources failed and why, for the exit-1 message.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";

export interface ResourceFailure {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly message: string;
}

const VERB: Record<string, [string, string]> = {
  create: ["creating", "created"],
  update: ["updating", "updated"],
  delete: ["deleting", "deleted"],
  replace: ["replacing", "replaced"],
  "create-replacement": ["creating replacement", "created replacement"],
  "delete-replaced": ["deleting replaced", "deleted replaced"],
  read: ["reading", "read"],
  refresh: ["refreshing", "refreshed"],
  import: ["importing", "imported"],
};

/** "created 22, updated 1" after the work; "would create 22" for a preview; "no changes" when nothing changed. */
export function changeSummary(changes: Readonly<Record<string, number>>, planned: boolean): string {
  const changed = Object.entries(changes).filter(([op, n]) => op !== "same" && n > 0);
  if (changed.length === 0) return "no changes";
  return changed.map(([op, n]) => (planned ? `would ${op} ${n}` : `${VERB[op]?.[1] ?? op} ${n}`)).join(", ");
}

export function urnParts(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  const name = parts[parts.length - 1] ?? urn;
  const typeChain = parts[parts.length - 2] ?? "";
  const type = typeChain.split("$").pop() ?? typeChain;
  return { type, name };
}

function cleanMessage(message: string): string {
  // Engine diagnostics carry ANSI colour directives like <{%reset%}> and trailing newlines.
  const esc = String.fromCharCode(27);
  return message
    .replace(/<\{%[^%]*%\}>/g, "")
    .split(esc)
    .map((part, i) => (i === 0 ? part : part.replace(/^\[[0-9;]*m/, "")))
    .join("")
    .trim();
}

export class ProgressRenderer {
  private readonly started = new Map<string, number>();
  private readonly failed = new Map<string, ResourceFailure>();
  private readonly errors = new Map<string, string[]>();
  private changeCounts: Record<string, number> = {};

  constructor(
    private readonly write: (line: string) => void,
    private readonly tty: boolean,
    private readonly now: () => Date,
  ) {}

  private line(text: string): void {
    this.write(this.tty ? `  ${text}` : `${this.now().toISOString()} ${text}`);
  }

  private elapsed(urn: string): string {
    const start = this.started.get(urn);
    return start === undefined ? "" : ` (${((this.now().getTime() - start) / 1000).toFixed(1)}s)`;
  }

  handle(event: EngineEvent): void {
    const pre = event.resourcePreEvent?.metadata;
    // A preview (dry run) plans steps without doing them: one "would …" line each, and no "created" that never happened.
    const planning = event.resourcePreEvent?.planning === true || event.resOutputsEvent?.planning === true;
    if (planning) {
      if (pre !== undefined && pre.op !== "same" && pre.type !== "pulumi:pulumi:Stack")
        this.line(`would ${pre.op} ${pre.type} ${urnParts(pre.urn).name}`);
    } else if (pre !== undefined && pre.op !== "same" && pre.type !== "pulumi:pulumi:Stack") {
      this.started.set(pre.urn, this.now().getTime());
      const { name } = urnParts(pre.urn);
      this.line(`${VERB[pre.op]?.[0] ?? pre.op} ${pre.type} ${name}${this.tty ? " …" : ""}`);
    }
    const done = event.resOutputsEvent?.metadata;
    if (!planning && done !== undefined && done.op !== "same" && done.type !== "pulumi:pulumi:Stack") {
      const { name } = urnParts(done.urn);
      this.line(
        `${this.tty ? "✓ " : ""}${VERB[done.op]?.[1] ?? done.op} ${done.type} ${name}${this.elapsed(done.urn)}`,
      );
    }
    const diag = event.diagnosticEvent;
    if (diag !== undefined && diag.urn !== undefined && diag.urn !== "" && diag.severity === "error") {
      const list = this.errors.get(diag.urn) ?? [];
      list.push(cleanMessage(diag.message));
      this.errors.set(diag.urn, list);
    }
    const failedOp = event.resOpFailedEvent?.metadata;
    if (failedOp !== undefined) {
      const { type, name } = urnParts(failedOp.urn);
      this.failed.set(failedOp.urn, { urn: failedOp.urn, type, name, message: "" });
      this.line(`${this.tty ? "✗ " : ""}failed ${type} ${name}${this.elapsed(failedOp.urn)}`);
    }
    const summary = event.summaryEvent;
    if (summary !== undefined) this.changeCounts = { ...summary.resourceChanges };
  }

  /** Resources that failed, each with the provider's (AWS's) error text. */
  failures(): ResourceFailure[] {
    const urns = new Set([...this.failed.keys(), ...this.errors.keys()]);
    return [...urns]
      .filter((urn) => !urn.includes("pulumi:pulumi:Stack"))
      .map((urn) => ({ ...urnParts(urn), urn, message: (this.errors.get(urn) ?? []).join("; ") }));
  }

  changes(): Record<string, number> {
    return this.changeCounts;
  }
}
