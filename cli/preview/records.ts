/**
 * Where a preview's record lives, twice: (1) the preview index, one JSON per stack under `previews/<stack>.json`
 * in the backend's `.tenantctl` folder, which `preview list` and `preview gc` read without the pulumi CLI; and
 * (2) the stack's own tags (`tenantctl:branch`, `tenantctl:created-at` …), so the record survives with the stack
 * even if the index is lost, and gc can find previews that have no index entry.
 */
import type { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import type { PreviewRecord } from "../../infra/preview-naming";
import type { TenantSpec } from "../../infra/spec";
import type { RecordStore } from "../store/records";
import { parsePreviewRecord, previewSlug } from "../../infra/preview-naming";
import { execFile } from "node:child_process";

export const PREVIEW_INDEX_FOLDER = "previews";

export type PreviewOperation = "up" | "down";
export type PreviewStatus = "in-progress" | "succeeded" | "failed" | "cancelled";

export interface PreviewIndexEntry {
  readonly record: PreviewRecord;
  readonly url: string | undefined;
  readonly image: string;
  readonly lastOperation: PreviewOperation;
  readonly status: PreviewStatus;
  /** AWS's error of a failed operation, one line. */
  readonly message: string | undefined;
  /** The spec last deployed (or being deployed): lets down and gc act on a stack whose first up failed. */
  readonly spec: TenantSpec;
}

export function previewIndexKey(stack: string): string {
  return `${PREVIEW_INDEX_FOLDER}/${stack}.json`;
}

export async function readPreviewEntry(store: RecordStore, stack: string): Promise<PreviewIndexEntry | undefined> {
  return store.readJson<PreviewIndexEntry>(previewIndexKey(stack));
}

export async function writePreviewEntry(store: RecordStore, entry: PreviewIndexEntry): Promise<void> {
  await store.writeJson(previewIndexKey(entry.record.stack), entry);
}

export async function removePreviewEntry(store: RecordStore, stack: string): Promise<void> {
  await store.remove(previewIndexKey(stack));
}

export interface ListedPreview {
  readonly entry: PreviewIndexEntry;
  /** The record re-validated against its own branch; undefined when it does not parse (reported, never acted on). */
  readonly problem: string | undefined;
}

/** Every indexed preview, sorted by env then branch. A record that fails validation is kept with its problem. */
export async function listPreviewEntries(store: RecordStore): Promise<ListedPreview[]> {
  const names = (await store.list(PREVIEW_INDEX_FOLDER)).filter((name) => name.endsWith(".json"));
  const listed: ListedPreview[] = [];
  for (const name of names) {
    const entry = await store.readJson<PreviewIndexEntry>(`${PREVIEW_INDEX_FOLDER}/${name}`).catch(() => undefined);
    if (entry === undefined || typeof entry.record !== "object" || entry.record === null) continue;
    try {
      listed.push({ entry: { ...entry, record: parsePreviewRecord(entry.record) }, problem: undefined });
    } catch (error: unknown) {
      listed.push({ entry, problem: error instanceof Error ? error.message.replace(/\s*\n\s*/g, " ") : String(error) });
    }
  }
  return listed.sort(
    (a, b) =>
      a.entry.record.env.localeCompare(b.entry.record.env) ||
      a.entry.record.branch.localeCompare(b.entry.record.branch),
  );
}

/** Pulumi stack tag names: at most 40 of `[A-Za-z0-9_.:-]`; values at most 256 (a branch has at most 255). */
export const RECORD_TAGS = {
  branch: "tenantctl:branch",
  env: "tenantctl:env",
  createdAt: "tenantctl:created-at",
  lastDeployedAt: "tenantctl:last-deployed-at",
  expiresAt: "tenantctl:expires-at",
} as const;

/**
 * Copies the record onto the stack's tags, setting only the ones that changed. Best effort: the index is the
 * primary copy, and older file backends keep no stack tags, so a failure is a warning, never a failed deploy.
 */
export async function writeRecordTags(
  stack: Stack,
  record: PreviewRecord,
  warn: (line: string) => void,
): Promise<void> {
  try {
    const current = await stack.listTags();
    for (const [field, tag] of Object.entries(RECORD_TAGS) as [keyof typeof RECORD_TAGS, string][]) {
      if (current[tag] !== record[field]) await setStackTag(stack, tag, record[field]);
    }
  } catch (error: unknown) {
    const reason =
      (error instanceof Error ? error.message : String(error)).split("\n").find((line) => /error/i.test(line)) ??
      "unknown error";
    warn(
      `could not copy the preview record onto the tags of stack ${stack.name} (${reason.trim()}); the preview index still holds it`,
    );
  }
}

/**
 * `pulumi stack tag set` with the key and value after `--`. The SDK's Stack.setTag builds
 * `stack tag set <key> <value> --stack <name>`, where a value starting with "-" (a branch name) is parsed as a flag.
 * Run directly (as archive.ts runs `stack export`) because the SDK's command runner is internal.
 */
export async function setStackTag(stack: Stack, key: string, value: string): Promise<void> {
  const workspace = stack.workspace as LocalWorkspace;
  const env = {
    ...process.env,
    ...(workspace.pulumiHome === undefined ? {} : { PULUMI_HOME: workspace.pulumiHome }),
    ...workspace.envVars,
  };
  const args = ["stack", "tag", "set", `--stack=${stack.name}`, "--non-interactive", "--", key, value];
  await new Promise<void>((resolve, reject) => {
    execFile(workspace.pulumiCommand.command, args, { cwd: workspace.workDir, env }, (error, _stdout, stderr) => {
      if (error === null) resolve();
      else reject(new Error(`pulumi stack tag set ${key} failed: ${stderr.trim().split("\n")[0] || error.message}`));
    });
  });
}

/** The record a stack's tags hold, or undefined when they are missing or describe another stack. */
export async function recordFromTags(stack: Stack): Promise<PreviewRecord | undefined> {
  const tags = await stack.listTags();
  try {
    const branch = tags[RECORD_TAGS.branch] ?? "";
    return parsePreviewRecord({
      branch,
      env: tags[RECORD_TAGS.env],
      slug: previewSlug(branch),
      stack: stack.name,
      createdAt: tags[RECORD_TAGS.createdAt],
      lastDeployedAt: tags[RECORD_TAGS.lastDeployedAt],
      expiresAt: tags[RECORD_TAGS.expiresAt],
    });
  } catch {
    return undefined;
  }
}
