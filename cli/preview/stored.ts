/**
 * A preview as the backend knows it: its stack, the spec it was deployed with (the stack's `spec` output, else the
 * index entry written before a first deploy that never completed), and its record (index, else the stack's tags).
 */
import type { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import type { PreviewRecord } from "../../infra/preview-naming";
import type { TenantSpec } from "../../infra/spec";
import { PREVIEWS_PROJECT } from "../orchestration/projects";
import type { EngineSession } from "../orchestration/session";
import { plainOutputs } from "../orchestration/shared-stack";
import { openWorkspace, selectExisting } from "../orchestration/workspace";
import type { PreviewTarget } from "./input";
import { readPreviewEntry, recordFromTags, type PreviewIndexEntry } from "./records";
import { parsePreviewRecord } from "../../infra/preview-naming";
import { specFromOutputs } from "../../infra/tenant/outputs";

export interface StoredPreview {
  readonly stack: Stack;
  readonly workspace: LocalWorkspace;
  /** What to act on: the deployed spec, else the one the last (failed) up asked for. */
  readonly spec: TenantSpec;
  /** The spec of the last completed deploy; undefined when no deploy completed yet. */
  readonly deployedSpec: TenantSpec | undefined;
  readonly record: PreviewRecord | undefined;
  readonly url: string | undefined;
  readonly entry: PreviewIndexEntry | undefined;
}

async function parsedRecord(entry: PreviewIndexEntry | undefined): Promise<PreviewRecord | undefined> {
  if (entry === undefined) return undefined;
  try {
    return parsePreviewRecord(entry.record);
  } catch {
    return undefined;
  }
}

/** undefined when the stack does not exist, or exists without any spec tenantctl could act on. */
export async function readStoredPreview(
  session: EngineSession,
  target: PreviewTarget,
): Promise<StoredPreview | undefined> {
  const workspace = await openWorkspace(session.workspace, PREVIEWS_PROJECT, undefined);
  const stack = await selectExisting(workspace, target.stack);
  if (stack === undefined) return undefined;
  const entry = await readPreviewEntry(session.store, target.stack);
  const outputs = plainOutputs(await stack.outputs());
  let deployedSpec: TenantSpec | undefined;
  if (outputs.spec !== undefined) {
    deployedSpec = specFromOutputs(outputs);
  }
  const spec = deployedSpec ?? entry?.spec;
  if (spec === undefined) return undefined;
  const record = (await parsedRecord(entry)) ?? (await recordFromTags(stack));
  const url = typeof outputs.url === "string" ? outputs.url : entry?.url;
  return { stack, workspace, spec, deployedSpec, record, url, entry };
}
