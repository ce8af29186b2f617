/**
 * The infra diff: `tenantctl shared preview --env <env> --format markdown`. Runs the shared program's preview
 * (the same program and Pulumi.<env>.yaml as `shared up`) while collecting per-resource changes, and renders them
 * as a pull-request comment: a summary, replacements called out first, every change with its properties.
 * Secrets never appear: values marked secret, objects and secret-like property names are reduced to the name.
 */
import type { SharedConfig } from "../../infra/shared/config";
import { SHARED_PROJECT } from "../orchestration/projects";
import { beforeSdkLoad } from "../orchestration/pulumi-sdk";
import type { EngineSession } from "../orchestration/session";
import { createOrSelect, ensureRegion, openWorkspace, selectExisting } from "../orchestration/workspace";
import { countChanges, runCollecting, type ResourceChange } from "./changes";
import { changeSummary, changesTable, code } from "./markdown";

export interface SharedDiff {
  readonly env: string;
  readonly stack: string;
  /** False when the env's shared stack does not exist yet: everything would be created. */
  readonly stackExists: boolean;
  readonly resources: readonly ResourceChange[];
  readonly unchanged: number;
}

export async function sharedDiff(session: EngineSession, config: SharedConfig): Promise<SharedDiff> {
  beforeSdkLoad();
  const { sharedProgram } = await import("../../infra/shared/program");
  const env = config.env;
  const workspace = await openWorkspace(session.workspace, SHARED_PROJECT, sharedProgram(config));
  const existing = await selectExisting(workspace, env);
  const stack = existing ?? (await createOrSelect(workspace, env));
  await ensureRegion(stack, config.region);
  const run = {
    io: session.io,
    project: SHARED_PROJECT,
    stack: env,
    fileRoot: session.backend.fileRoot,
    retry: `tenantctl shared preview --env ${env} --format markdown`,
    title: `shared preview: stack ${env} in ${session.backend.url}`,
  };
  const outcome = await runCollecting(run, (o) => stack.preview({ ...o, diff: true }));
  return {
    env,
    stack: env,
    stackExists: existing !== undefined,
    resources: outcome.resources,
    unchanged: outcome.changes.same ?? 0,
  };
}

const REPLACE_VERBS = { create: "to create", update: "to update", replace: "to replace", delete: "to delete" } as const;

export function sharedDiffMarkdown(diff: SharedDiff): string {
  const title = `### Infrastructure diff: shared stack ${code(diff.env)}`;
  const lines = [title, ""];
  if (!diff.stackExists)
    lines.push(
      `The shared stack ${code(diff.env)} does not exist yet: \`tenantctl shared up --env ${diff.env}\` would create everything below.`,
      "",
    );
  if (diff.resources.length === 0) {
    lines.push(`**No changes.** ${diff.unchanged} resource${diff.unchanged === 1 ? "" : "s"} unchanged.`);
    return `${lines.join("\n")}\n`;
  }
  lines.push(`**${changeSummary(diff.resources, REPLACE_VERBS)}** (${diff.unchanged} unchanged)`, "");
  const replaced = diff.resources.filter((r) => r.op === "replace");
  const deleted = diff.resources.filter((r) => r.op === "delete");
  if (replaced.length > 0) {
    lines.push(
      `> [!WARNING]`,
      `> ${replaced.length} resource${replaced.length === 1 ? " is" : "s are"} **replaced** (deleted and created again; tenants that use ${replaced.length === 1 ? "it" : "them"} may see downtime):`,
    );
    for (const r of replaced) {
      const because = r.properties.length === 0 ? "" : ` because of ${r.properties.map((p) => code(p.key)).join(", ")}`;
      lines.push(`> - ${code(r.type)} ${code(r.name)}${because}`);
    }
    lines.push("");
  }
  if (deleted.length > 0) {
    lines.push(
      `> [!CAUTION]`,
      `> ${deleted.length} resource${deleted.length === 1 ? " is" : "s are"} **deleted**: ${deleted.map((r) => code(r.name)).join(", ")}`,
      "",
    );
  }
  lines.push(...changesTable(diff.resources, 25));
  return `${lines.join("\n")}\n`;
}

/** The JSON form of the diff (`shared preview --json` keeps its own document; this is for callers that want it). */
export function sharedDiffDocument(diff: SharedDiff): Record<string, unknown> {
  return {
    env: diff.env,
    stack: diff.stack,
    stackExists: diff.stackExists,
    resourceChanges: countChanges(diff.resources),
    unchanged: diff.unchanged,
    resources: diff.resources.map((r) => ({
      op: r.op,
      type: r.type,
      name: r.name,
      properties: r.properties.map((p) => p.key),
    })),
  };
}
