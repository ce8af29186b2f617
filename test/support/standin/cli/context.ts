import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ProjectSettings, StackRef } from "../backend/project";
import { backendRoot, loadProject, parseStackRef, qualifiedName } from "../backend/project";
import { Store } from "../backend/store";
import { CliError, stackNotFound } from "../errors";
import type { ParsedArgs } from "./args";

/** Everything a command needs: the project found from cwd, the file backend and how to name stacks. */
export class Context {
  private constructor(
    readonly project: ProjectSettings,
    readonly store: Store,
  ) {}

  static load(): Context {
    const project = loadProject(process.cwd());
    const { root, url } = backendRoot(project);
    return new Context(project, new Store(root, url));
  }

  /** The stack named by --stack (or a positional), else the selected one, like the real CLI. */
  stackRef(args: ParsedArgs, positional?: string): StackRef {
    const name = args.string("stack") ?? positional ?? this.currentStack();
    if (!name) {
      throw new CliError("no stack selected; please use `pulumi stack select` to choose one");
    }
    return parseStackRef(name, this.project);
  }

  /** Like stackRef, and the stack must exist. */
  existingStack(args: ParsedArgs, positional?: string): StackRef {
    const ref = this.stackRef(args, positional);
    if (!this.store.exists(ref)) throw stackNotFound(this.displayName(ref));
    return ref;
  }

  displayName(ref: StackRef): string {
    return ref.project === this.project.name ? ref.stack : qualifiedName(ref);
  }

  private workspaceFile(): string {
    const home = process.env.PULUMI_HOME || path.join(os.homedir(), ".pulumi");
    const hash = crypto.createHash("sha1").update(path.join(this.project.dir, "Pulumi.yaml")).digest("hex");
    return path.join(home, "workspaces", `${this.project.name}-${hash}-workspace.json`);
  }

  currentStack(): string | undefined {
    const file = this.workspaceFile();
    if (!fs.existsSync(file)) return undefined;
    const ws = JSON.parse(fs.readFileSync(file, "utf8")) as { stack?: string };
    return ws.stack;
  }

  selectStack(ref: StackRef): void {
    const file = this.workspaceFile();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ stack: qualifiedName(ref) }, null, 4));
  }

  clearSelection(): void {
    fs.rmSync(this.workspaceFile(), { force: true });
  }

  isCurrent(ref: StackRef): boolean {
    const cur = this.currentStack();
    return cur !== undefined && qualifiedName(parseStackRef(cur, this.project)) === qualifiedName(ref);
  }
}

export function print(text: string): void {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

export function printJson(value: unknown): void {
  print(JSON.stringify(value, null, 4));
}
