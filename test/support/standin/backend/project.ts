import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as YAMLModule from "yaml";
import { CliError } from "../errors";
import { parseSimpleYaml, stringifySimpleYaml } from "./simple-yaml";

/** The parts of Pulumi.yaml the stand-in uses. */
export interface ProjectSettings {
  name: string;
  runtime: unknown;
  main?: string;
  backendUrl?: string;
  dir: string;
}

/** The DIY backend names every stack `organization/<project>/<stack>`. */
export interface StackRef {
  project: string;
  stack: string;
}

export const DIY_ORG = "organization";

/**
 * The `yaml` package, loaded on first use: most commands read only files the fast paths below understand (JSON, and
 * the simple block mappings the stand-in writes), and loading it costs more CPU than the rest of a short command.
 */
function yaml(): typeof YAMLModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("yaml") as typeof YAMLModule;
}

/**
 * A YAML document's value. JSON text (how tenantctl and the SDK write Pulumi.yaml) is read with JSON.parse — YAML is
 * a superset of JSON; JSON.stringify never writes the duplicate keys the package would refuse — and the simple mappings of simple-yaml.ts without the package; anything else by the package.
 */
export function parseYaml(text: string): unknown {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{")) {
    try {
      return JSON.parse(text);
    } catch {
      // not JSON after all (a YAML flow mapping, or an error the package words better)
    }
  }
  const simple = parseSimpleYaml(text);
  return simple !== undefined ? simple : yaml().parse(text);
}

export function readYamlFile(file: string): unknown {
  return parseYaml(fs.readFileSync(file, "utf8"));
}

/** Written as the `yaml` package writes it (byte for byte; simple-yaml.ts writes the simple cases without loading it). */
export function writeYamlFile(file: string, value: unknown): void {
  fs.writeFileSync(file, stringifySimpleYaml(value) ?? yaml().stringify(value));
}

/** Finds Pulumi.yaml searching upwards from cwd, like the real CLI. */
export function loadProject(cwd: string): ProjectSettings {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    for (const name of ["Pulumi.yaml", "Pulumi.yml", "Pulumi.json"]) {
      const file = path.join(dir, name);
      if (!fs.existsSync(file)) continue;
      const raw = (name.endsWith(".json") ? JSON.parse(fs.readFileSync(file, "utf8")) : readYamlFile(file)) as Record<
        string,
        unknown
      >;
      if (typeof raw?.name !== "string") throw new CliError(`invalid project file ${file}: missing 'name'`);
      const backend = raw.backend as { url?: unknown } | undefined;
      return {
        name: raw.name,
        runtime: raw.runtime,
        main: typeof raw.main === "string" ? raw.main : undefined,
        backendUrl: typeof backend?.url === "string" ? backend.url : undefined,
        dir,
      };
    }
    if (path.dirname(dir) === dir) break;
  }
  throw new CliError(
    `no Pulumi.yaml project file found (searching upwards from ${cwd}). If you have not created a project yet, use \`pulumi new\` to do so: no project file found`,
  );
}

const STACK_NAME = /^[A-Za-z0-9_.-]+$/;

/** Parses `stack`, `project/stack` or `organization/project/stack` with the real CLI's validation messages. */
export function parseStackRef(input: string, project: ProjectSettings): StackRef {
  const parts = input.split("/");
  let ref: StackRef;
  if (parts.length === 1) ref = { project: project.name, stack: parts[0] };
  else if (parts.length === 2) ref = { project: parts[0], stack: parts[1] };
  else if (parts.length === 3) {
    if (parts[0] !== DIY_ORG) {
      throw new CliError(
        `organization name must be '${DIY_ORG}' for the DIY backend (got '${parts[0]}' in '${input}')`,
      );
    }
    ref = { project: parts[1], stack: parts[2] };
  } else throw new CliError(`could not parse stack reference '${input}'`);
  if (ref.stack.length > 100) throw new CliError("a stack name cannot exceed 100 characters");
  if (!STACK_NAME.test(ref.stack)) {
    throw new CliError("a stack name may only contain alphanumeric, hyphens, underscores, or periods");
  }
  return ref;
}

export function qualifiedName(ref: StackRef): string {
  return `${DIY_ORG}/${ref.project}/${ref.stack}`;
}

/** Root directory of the file backend, from PULUMI_BACKEND_URL or the project's `backend.url`. */
export function backendRoot(project: ProjectSettings | undefined): { root: string; url: string } {
  const url = process.env.PULUMI_BACKEND_URL || project?.backendUrl;
  if (!url) {
    throw new CliError(
      "the tenantctl test stand-in needs a file backend: set PULUMI_BACKEND_URL=file://<dir> (the Pulumi Cloud backend is not simulated)",
    );
  }
  if (!url.startsWith("file://")) {
    throw new CliError(`backend '${url}' is not supported by the tenantctl test stand-in; use file://<dir>`);
  }
  let p = url.slice("file://".length);
  if (p === "~" || p.startsWith("~/")) p = path.join(os.homedir(), p.slice(1));
  const base = project?.dir ?? process.cwd();
  return { root: path.resolve(base, p), url };
}
