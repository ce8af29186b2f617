import { stopIfOwnerGone } from "../command-state";
import * as fs from "node:fs";
import * as path from "node:path";
import type { StackRef } from "./project";
import { qualifiedName } from "./project";
import type { Checkpoint, Deployment, ResourcesJson, ResourceState } from "./state";
import { tmpNameFor } from "./tmp-name";

/** What `stack history --json` prints for one update (apitype.UpdateInfo with ISO times). */
export interface UpdateInfo {
  kind: "update" | "preview" | "refresh" | "destroy" | "import" | "resource-import" | "rename";
  startTime: number;
  message: string;
  environment: Record<string, string>;
  config: Record<string, unknown>;
  result: "succeeded" | "failed" | "in-progress";
  endTime: number;
  resourceChanges?: Record<string, number>;
}

/**
 * The DIY backend's project-scoped layout (meta.yaml `version: 1`):
 * `.pulumi/stacks/<project>/<stack>.json`, `.pulumi/history/<project>/<stack>/…`, `.pulumi/locks/organization/…`.
 */
export class Store {
  constructor(
    readonly root: string,
    readonly url: string,
  ) {}

  get dotPulumi(): string {
    return path.join(this.root, ".pulumi");
  }

  stackFile(ref: StackRef): string {
    return path.join(this.dotPulumi, "stacks", ref.project, `${ref.stack}.json`);
  }

  historyDir(ref: StackRef): string {
    return path.join(this.dotPulumi, "history", ref.project, ref.stack);
  }

  lockDir(ref: StackRef): string {
    return path.join(this.dotPulumi, "locks", "organization", ref.project, ref.stack);
  }

  tagsFile(ref: StackRef): string {
    return path.join(this.dotPulumi, "stacks", ref.project, `${ref.stack}.tags.json`);
  }

  exists(ref: StackRef): boolean {
    return fs.existsSync(this.stackFile(ref));
  }

  ensureMeta(): void {
    const meta = path.join(this.dotPulumi, "meta.yaml");
    if (!fs.existsSync(meta)) {
      fs.mkdirSync(this.dotPulumi, { recursive: true });
      fs.writeFileSync(meta, "version: 1\n");
    }
  }

  read(ref: StackRef): Checkpoint {
    return JSON.parse(fs.readFileSync(this.stackFile(ref), "utf8")) as Checkpoint;
  }

  /**
   * Writes through a temp file and rename so a killed process never leaves a torn checkpoint. With `resources`,
   * `latest.resources` is the in-memory form, which it renders (an operation's writes after every step: state.ts).
   */
  write(ref: StackRef, latest: Deployment | null, config?: Record<string, unknown>, resources?: ResourcesJson): void {
    stopIfOwnerGone();
    const file = this.stackFile(ref);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const body: Checkpoint = { version: 3, checkpoint: { stack: qualifiedName(ref), config, latest } };
    const tmp = tmpNameFor(file);
    fs.writeFileSync(tmp, checkpointJson(body, resources));
    fs.renameSync(tmp, file);
  }

  remove(ref: StackRef): void {
    const backup = path.join(this.dotPulumi, "backups", ref.project, ref.stack);
    fs.mkdirSync(backup, { recursive: true });
    fs.copyFileSync(this.stackFile(ref), path.join(backup, `${ref.stack}.${Date.now()}.json`));
    fs.rmSync(this.stackFile(ref), { force: true });
    fs.rmSync(this.tagsFile(ref), { force: true });
    fs.rmSync(this.historyDir(ref), { recursive: true, force: true });
  }

  /** Stacks of one project, or of all projects. */
  list(project: string | undefined): StackRef[] {
    const base = path.join(this.dotPulumi, "stacks");
    if (!fs.existsSync(base)) return [];
    const projects = project !== undefined ? [project] : fs.readdirSync(base);
    const refs: StackRef[] = [];
    for (const p of projects) {
      const dir = path.join(base, p);
      if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) continue;
      for (const f of fs.readdirSync(dir).sort()) {
        if (f.endsWith(".json") && !f.endsWith(".tags.json")) refs.push({ project: p, stack: f.slice(0, -5) });
      }
    }
    return refs;
  }

  appendHistory(ref: StackRef, info: UpdateInfo, checkpoint?: Checkpoint): void {
    stopIfOwnerGone();
    const dir = this.historyDir(ref);
    fs.mkdirSync(dir, { recursive: true });
    const stamp = `${Date.now()}${String(process.hrtime()[1] % 1_000_000).padStart(6, "0")}`;
    fs.writeFileSync(path.join(dir, `${ref.stack}-${stamp}.history.json`), JSON.stringify(info, null, 4));
    if (checkpoint) {
      fs.writeFileSync(path.join(dir, `${ref.stack}-${stamp}.checkpoint.json`), JSON.stringify(checkpoint, null, 4));
    }
  }

  /** Updates, newest first. */
  history(ref: StackRef): UpdateInfo[] {
    const dir = this.historyDir(ref);
    if (!fs.existsSync(dir)) return [];
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".history.json"))
      .sort()
      .reverse()
      .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as UpdateInfo);
  }

  readTags(ref: StackRef): Record<string, string> {
    const file = this.tagsFile(ref);
    return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string>) : {};
  }

  writeTags(ref: StackRef, tags: Record<string, string>): void {
    fs.writeFileSync(this.tagsFile(ref), JSON.stringify(tags, null, 4));
  }
}

/** Stands for `latest.resources` while the rest of the checkpoint is rendered; no state holds this string. */
const RESOURCES_MARK = "\u0000standin: the resources go here\u0000";
const QUOTED_MARK = JSON.stringify(RESOURCES_MARK);

/** `JSON.stringify(body, null, 4)`, with the resources (when given) rendered by `resources`. */
function checkpointJson(body: Checkpoint, resources: ResourcesJson | undefined): string {
  const latest = body.checkpoint.latest;
  if (!resources || !latest?.resources) return JSON.stringify(body, null, 4);
  // The mark takes the place of the resources, so `latest` keeps its key order.
  const marked = { ...latest, resources: RESOURCES_MARK as unknown as ResourceState[] };
  const text = JSON.stringify({ ...body, checkpoint: { ...body.checkpoint, latest: marked } }, null, 4);
  const at = text.indexOf(QUOTED_MARK);
  if (at < 0 || text.includes(QUOTED_MARK, at + 1))
    throw new Error("stand-in: cannot place the checkpoint's resources");
  const lineStart = text.lastIndexOf("\n", at) + 1;
  let indentEnd = lineStart;
  while (text[indentEnd] === " ") indentEnd++;
  const json = resources(latest.resources, text.slice(lineStart, indentEnd));
  return `${text.slice(0, at)}${json}${text.slice(at + QUOTED_MARK.length)}`;
}
