/**
 * `preview gc`: finds every preview (the index, plus stacks of the previews project that only their tags describe),
 * picks the expired ones and, with a keep-list, those whose branch is gone (infra/preview-naming.ts selectForGc),
 * and removes them one by one. One failure does not stop the others; a locked stack is left for the next run.
 */
import type { GcReason, PreviewRecord } from "../../infra/preview-naming";
import { CliError, ExitCode } from "../errors";
import { PREVIEWS_PROJECT } from "../orchestration/projects";
import type { EngineSession } from "../orchestration/session";
import { openWorkspace, selectExisting } from "../orchestration/workspace";
import { previewDown } from "./destroy";
import { listPreviewEntries, recordFromTags } from "./records";
import { selectForGc } from "../../infra/preview-naming";

export interface GcRequest {
  /** Only previews of this env. */
  readonly env: string;
  readonly now: Date;
  readonly keepBranches: readonly string[] | undefined;
  readonly dryRun: boolean;
  /** The command line that reruns gc, for hints. */
  readonly retry: string;
}

export type GcOutcome = "would-destroy" | "destroyed" | "already-gone" | "locked" | "failed";

export interface GcRemoval {
  readonly branch: string;
  readonly env: string;
  readonly stack: string;
  readonly reason: GcReason;
  readonly expiresAt: string;
  readonly outcome: GcOutcome;
  readonly message: string | undefined;
}

export interface GcResult {
  readonly env: string;
  readonly now: string;
  readonly dryRun: boolean;
  /** Previews considered (of this env). */
  readonly previews: number;
  readonly removals: readonly GcRemoval[];
  /** Stacks gc cannot judge (no valid record): listed, never destroyed. */
  readonly skipped: readonly { readonly stack: string; readonly problem: string }[];
}

/** Every preview of the env with a valid record; the index first, then stacks only their tags describe. */
async function collectRecords(
  session: EngineSession,
  env: string,
): Promise<{ records: PreviewRecord[]; skipped: GcResult["skipped"] }> {
  const records: PreviewRecord[] = [];
  const skipped: { stack: string; problem: string }[] = [];
  const known = new Set<string>();
  for (const { entry, problem } of await listPreviewEntries(session.store)) {
    const stack = String(entry.record.stack);
    known.add(stack);
    if (problem !== undefined) {
      if (stack.startsWith(`${env}-`)) skipped.push({ stack, problem });
    } else if (entry.record.env === env) records.push(entry.record);
  }
  const workspace = await openWorkspace(session.workspace, PREVIEWS_PROJECT, undefined);
  const names = (await workspace.listStacks()).map((s) => s.name.split("/").pop() ?? s.name);
  for (const name of names.filter((n) => !known.has(n) && n.startsWith(`${env}-`))) {
    const stack = await selectExisting(workspace, name);
    const record = stack === undefined ? undefined : await recordFromTags(stack);
    if (record === undefined)
      skipped.push({ stack: name, problem: "no preview record in the index nor in the stack's tags" });
    else if (record.env === env) records.push(record);
  }
  return { records, skipped };
}

async function removeOne(
  session: EngineSession,
  record: PreviewRecord,
  retry: string,
): Promise<{ outcome: GcOutcome; message: string | undefined }> {
  const target = { branch: record.branch, env: record.env, slug: record.slug, stack: record.stack };
  try {
    await previewDown(session, { target, retry, confirm: async () => undefined });
    return { outcome: "destroyed", message: undefined };
  } catch (error: unknown) {
    if (!(error instanceof CliError)) throw error;
    if (error.exitCode === ExitCode.NotFound) return { outcome: "already-gone", message: error.message };
    return { outcome: error.exitCode === ExitCode.Conflict ? "locked" : "failed", message: error.message };
  }
}

export async function previewGc(session: EngineSession, req: GcRequest): Promise<GcResult> {
  const { records, skipped } = await collectRecords(session, req.env);
  const chosen = selectForGc(records, req.now, req.keepBranches);
  const removals: GcRemoval[] = [];
  for (const { record, reason } of chosen) {
    const base = { branch: record.branch, env: record.env, stack: record.stack, reason, expiresAt: record.expiresAt };
    if (req.dryRun) {
      removals.push({ ...base, outcome: "would-destroy", message: undefined });
      continue;
    }
    session.io.stderr.write(
      `gc: removing ${record.stack} (branch ${JSON.stringify(record.branch)}, ${reason === "expired" ? `expired ${record.expiresAt}` : "branch deleted"})\n`,
    );
    removals.push({ ...base, ...(await removeOne(session, record, req.retry)) });
  }
  return { env: req.env, now: req.now.toISOString(), dryRun: req.dryRun, previews: records.length, removals, skipped };
}

/** gc's exit: 0 when every chosen preview is gone, 4 when only locks stood in the way, 1 on any other failure. */
export function gcExitCode(result: GcResult): typeof ExitCode.Ok | typeof ExitCode.Failed | typeof ExitCode.Conflict {
  if (result.removals.some((r) => r.outcome === "failed")) return ExitCode.Failed;
  if (result.removals.some((r) => r.outcome === "locked")) return ExitCode.Conflict;
  return ExitCode.Ok;
}
