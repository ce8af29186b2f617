import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { accountImporter } from "../aws/import-read";
import { StackLock } from "../backend/locks";
import { backendRoot, loadProject, parseStackRef } from "../backend/project";
import type { ResourceState } from "../backend/state";
import { newManifest } from "../backend/state";
import { openCrypter, saltOf, stackConfigPath } from "../backend/stack-config";
import { decryptDeployment, encryptDeployment } from "../backend/state";
import { CliError } from "../errors";
import { importMissing } from "../engine/import-step";
import { maskSecrets } from "../engine/values";
import type { ParsedArgs } from "./args";
import { expectArgs } from "./args";
import { Context, print } from "./context";
import { readDeployment } from "./state-commands";

/** The DIY backend's name in its errors is the host name (pkg/backend/diy/backend.go `Name()`). */
const diyName = (): string => os.hostname() || "diy";

/** `pulumi stack [--show-name|--show-urns|--show-ids]`: what the SDK's remote workspaces run to check a stack exists. */
export async function stackInfo(args: ParsedArgs): Promise<number> {
  expectArgs(args, 0, 0, "stack");
  const ctx = Context.load();
  const ref = ctx.existingStack(args);
  const name = ctx.displayName(ref);
  if (args.bool("show-name")) {
    print(name);
    return 0;
  }
  const d = readDeployment(ctx, ref, args.bool("show-secrets"));
  const last = ctx.store.history(ref)[0];
  const lines = [`Current stack is ${name}:`, `    Managed by ${diyName()}`];
  if (last)
    lines.push(`    Last updated: ${new Date(last.endTime * 1000).toISOString()}`, "    Pulumi version used: v3.248.0");
  else lines.push("    No updates yet; run `pulumi up`");
  const resources = d.resources ?? [];
  lines.push(`Current stack resources (${resources.length}):`);
  if (resources.length === 0) lines.push("    No resources currently in this stack");
  else {
    lines.push("    TYPE  NAME");
    for (const r of resources) {
      lines.push(`    ${r.type}  ${r.urn.split("::").pop() ?? ""}`);
      if (args.bool("show-urns")) lines.push(`        URN: ${r.urn}`);
      if (args.bool("show-ids") && r.id) lines.push(`        ID: ${r.id}`);
    }
  }
  const root = resources.find((r) => r.type === "pulumi:pulumi:Stack");
  const outputs = Object.entries(maskSecrets(root?.outputs ?? {}) as Record<string, unknown>);
  if (outputs.length > 0) {
    lines.push("", `Current stack outputs (${outputs.length}):`, "    OUTPUT  VALUE");
    for (const [k, v] of outputs) lines.push(`    ${k}  ${typeof v === "string" ? v : JSON.stringify(v)}`);
  }
  lines.push("", "Use `pulumi stack select` to change stack; `pulumi stack ls` lists known ones");
  print(lines.join("\n"));
  return 0;
}

/**
 * `stack rename <new>` on the DIY backend (diyBackend.renameStack): the checkpoint moves to the new name with every
 * URN rewritten, the history follows, the old file is kept as a backup, the config file is renamed, the new name is
 * selected. Prints `Renamed <old> to <new>`.
 */
export async function stackRename(args: ParsedArgs): Promise<number> {
  expectArgs(args, 1, 1, "stack rename");
  const ctx = Context.load();
  const from = ctx.existingStack(args);
  const to = parseStackRef(args.positionals[0], ctx.project);
  if (ctx.store.exists(to)) throw new CliError(`a stack named ${ctx.displayName(to)} already exists`);
  const lock = StackLock.acquire(ctx.store, from);
  try {
    const chk = ctx.store.read(from).checkpoint;
    const oldPrefix = `urn:pulumi:${from.stack}::${from.project}::`;
    const newPrefix = `urn:pulumi:${to.stack}::${to.project}::`;
    const latest = chk.latest
      ? (JSON.parse(JSON.stringify(chk.latest).split(oldPrefix).join(newPrefix)) as typeof chk.latest)
      : null;
    ctx.store.write(to, latest, chk.config);
    const tags = ctx.store.readTags(from);
    if (Object.keys(tags).length > 0) ctx.store.writeTags(to, tags);
    if (fs.existsSync(ctx.store.historyDir(from))) {
      fs.mkdirSync(path.dirname(ctx.store.historyDir(to)), { recursive: true });
      for (const f of fs.readdirSync(ctx.store.historyDir(from))) {
        fs.mkdirSync(ctx.store.historyDir(to), { recursive: true });
        fs.renameSync(
          path.join(ctx.store.historyDir(from), f),
          path.join(ctx.store.historyDir(to), f.replace(`${from.stack}-`, `${to.stack}-`)),
        );
      }
    }
    ctx.store.remove(from);
  } finally {
    lock.release();
  }
  const oldConfig = stackConfigPath(ctx.project, from);
  if (fs.existsSync(oldConfig)) fs.renameSync(oldConfig, stackConfigPath(ctx.project, to));
  ctx.selectStack(to);
  print(`Renamed ${ctx.displayName(from)} to ${ctx.displayName(to)}`);
  return 0;
}

interface ImportSpec {
  type: string;
  name: string;
  id: string;
  parent?: string;
  protect?: boolean;
}

/** Code for the imported resources, as `pulumi import --out` writes it (TypeScript; the real CLI uses provider schemas). */
function generatedCode(resources: ResourceState[]): string {
  const pkgs = [...new Set(resources.map((r) => r.type.split(":")[0]))].sort();
  const lines = pkgs.map((p) => `import * as ${p.replace(/[^A-Za-z0-9_]/g, "_")} from "@pulumi/${p}";`);
  lines.push("");
  for (const r of resources) {
    const [pkg, mod, typ] = r.type.split(":");
    const module = mod.split("/")[0];
    const name = r.urn.split("::").pop() ?? "";
    const ident = name.replace(/[^A-Za-z0-9_]/g, "_");
    const opts = r.protect ? ", {\n    protect: true,\n}" : "";
    lines.push(
      `const ${ident} = new ${pkg}.${module === "index" ? "" : `${module}.`}${typ}("${name}", ${JSON.stringify(maskSecrets(r.inputs), null, 4)}${opts});`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/**
 * `import` (Stack.import): adopts existing resources of the simulated account into the stack, protected unless
 * `--protect=false`, from an import file (`--file`) or `<type> <name> <id>`; writes code to `--out`.
 */
export async function importResources(args: ParsedArgs): Promise<number> {
  const from = args.string("from");
  // The converter plugin is not installed, so the real CLI tries to download it (convert.LoadConverterPlugin:
  // `install "<name>": …`), which needs the network.
  if (from)
    throw new CliError(
      `install "${from}": ${networkError(`[converter plugin ${from}] downloading`, `https://api.github.com/repos/pulumi/pulumi-converter-${from}/releases/latest`)}`,
    );
  const ctx = Context.load();
  const ref = ctx.existingStack(args);
  const specs: ImportSpec[] = [];
  const file = args.string("file");
  if (file) {
    if (args.positionals.length > 0)
      throw new CliError("an inline resource must not be specified in conjunction with an import file");
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as { resources?: ImportSpec[] };
    specs.push(...(parsed.resources ?? []));
  } else {
    if (args.positionals.length !== 3)
      throw new CliError("an inline resource must be specified if no import file is used");
    const [type, name, id] = args.positionals;
    specs.push({ type, name, id });
  }
  if (!args.bool("yes") && !args.bool("skip-preview") && !args.bool("preview-only")) {
    throw new CliError("--yes or --skip-preview must be passed in to proceed when running in non-interactive mode");
  }
  const dryRun = args.bool("preview-only");
  const protect = args.has("protect") ? args.bool("protect") : true;
  const crypter = openCrypter(ctx.project, ref, ctx.store);
  const started = Date.now();
  const lock = dryRun ? undefined : StackLock.acquire(ctx.store, ref);
  try {
    const latest = decryptDeployment(ctx.store.read(ref).checkpoint.latest ?? { manifest: newManifest() }, crypter);
    const resources = [...(latest.resources ?? [])];
    const rootUrn = `urn:pulumi:${ref.stack}::${ref.project}::pulumi:pulumi:Stack::${ref.project}-${ref.stack}`;
    const changes: Record<string, number> = {};
    if (!resources.some((r) => r.urn === rootUrn)) {
      resources.unshift({ urn: rootUrn, custom: false, type: "pulumi:pulumi:Stack", inputs: {}, outputs: {} });
      changes.create = 1;
    } else changes.same = 1;
    const importer = accountImporter(ctx.store.root);
    const imported: ResourceState[] = [];
    for (const s of specs) {
      const urn = `urn:pulumi:${ref.stack}::${ref.project}::${s.type}::${s.name}`;
      if (resources.some((r) => r.urn === urn)) throw new CliError(`resource '${urn}' already exists in the stack`);
      const cloud = importer.read(s.type, s.id);
      if (!cloud) throw new CliError(`Preview failed: ${importMissing(s.id).message}`);
      const state: ResourceState = {
        urn,
        custom: true,
        id: s.id,
        type: s.type,
        inputs: cloud.inputs,
        outputs: cloud.outputs,
        parent: s.parent ?? rootUrn,
        protect: (s.protect ?? protect) || undefined,
        created: new Date().toISOString(),
        modified: new Date().toISOString(),
      };
      imported.push(state);
      changes.import = (changes.import ?? 0) + 1;
    }
    if (!dryRun) {
      for (const r of imported) importer.claim(r.type, r.id ?? "", r.urn, `${ref.project}/${ref.stack}`);
      const salt = saltOf(ctx.project, ref) ?? "";
      const d = encryptDeployment(
        {
          ...latest,
          manifest: newManifest(),
          resources: [...resources, ...imported],
          secrets_providers: { type: "passphrase", state: { salt } },
        },
        crypter,
      );
      ctx.store.write(ref, d, ctx.store.read(ref).checkpoint.config);
      ctx.store.appendHistory(
        ref,
        {
          kind: "resource-import",
          startTime: Math.floor(started / 1000),
          endTime: Math.floor(Date.now() / 1000),
          message: args.string("message") ?? "",
          environment: { "exec.kind": args.string("exec-kind") ?? "cli" },
          config: {},
          result: "succeeded",
          resourceChanges: changes,
        },
        ctx.store.read(ref),
      );
    }
    const out = args.string("out");
    const generate = !args.has("generate-code") || args.bool("generate-code");
    if (out && generate) fs.writeFileSync(out, generatedCode(imported));
    const verb = dryRun ? "Previewing import" : "Importing";
    print(
      [
        `${verb} (${ctx.displayName(ref)}):`,
        "",
        ...imported.map((r) => ` =  ${r.type} ${r.urn.split("::").pop()} ${dryRun ? "import" : "imported"}`),
        "",
        "Resources:",
        `    = ${imported.length} ${dryRun ? "to import" : "imported"}`,
        "",
        `Duration: ${Math.max(1, Math.round((Date.now() - started) / 1000))}s`,
      ].join("\n"),
    );
  } finally {
    lock?.release();
  }
  return 0;
}

/**
 * `install`: for a program the SDK runs inline there is nothing to install locally; without `--no-plugins` the
 * real CLI resolves and downloads the project's plugins, which needs the network (get.pulumi.com / GitHub).
 */
export async function install(args: ParsedArgs): Promise<number> {
  expectArgs(args, 0, 0, "install");
  if (args.bool("no-plugins") && args.bool("no-dependencies")) return 0;
  throw new CliError(networkError("installing plugins and dependencies", "https://api.pulumi.com/api/registry/"));
}

/** How the real CLI reports an unreachable service: Go's net/http error for a failed DNS lookup. */
function networkError(what: string, url: string): string {
  const host = new URL(url).host;
  return `${what}: Get "${url}": dial tcp: lookup ${host}: no such host (the tenantctl test stand-in runs offline)`;
}

/** `plugin install <kind> <name> <version> [--server <url>]`: a download, so it fails as offline. */
export async function pluginInstall(args: ParsedArgs): Promise<number> {
  expectArgs(args, 0, 3, "plugin install");
  const [kind, name, version] = args.positionals;
  if (kind && !["resource", "language", "analyzer", "converter", "tool"].includes(kind)) {
    throw new CliError(`unrecognized plugin kind: ${kind}`);
  }
  if (args.string("file"))
    throw new CliError(`installing ${name} from a file is not supported by the tenantctl test stand-in`);
  const v = version ? (version.startsWith("v") ? version : `v${version}`) : "";
  const server = args.string("server") ?? `https://api.github.com/repos/pulumi/pulumi-${name}/releases/tags/${v}`;
  throw new CliError(
    networkError(
      `[${kind} plugin ${name}-${v.replace(/^v/, "")}] downloading`,
      server.startsWith("http") ? server : `https://${server}`,
    ),
  );
}

const pluginDir = (): string => path.join(process.env.PULUMI_HOME || path.join(os.homedir(), ".pulumi"), "plugins");

/** `plugin ls --json`: the plugins under $PULUMI_HOME/plugins (`<kind>-<name>-v<version>` directories). */
export async function pluginLs(args: ParsedArgs): Promise<number> {
  expectArgs(args, 0, 0, "plugin ls");
  const dir = pluginDir();
  const entries = fs.existsSync(dir)
    ? fs.readdirSync(dir).filter((f) => /^[a-z]+-.+-v\d/.test(f) && !f.endsWith(".lock") && !f.endsWith(".partial"))
    : [];
  const plugins = entries.map((f) => {
    const m = /^([a-z]+)-(.+)-v(\d.*)$/.exec(f) ?? [];
    const stat = fs.statSync(path.join(dir, f));
    return {
      name: m[2],
      kind: m[1],
      version: m[3],
      size: stat.size,
      installTime: stat.birthtime.toISOString(),
      lastUsedTime: stat.atime.toISOString(),
    };
  });
  if (args.bool("json")) print(JSON.stringify(plugins, null, 4));
  else
    print(
      plugins.length === 0
        ? ""
        : ["NAME  KIND  VERSION", ...plugins.map((p) => `${p.name}  ${p.kind}  ${p.version}`)].join("\n"),
    );
  return 0;
}

/** `plugin rm [kind [name [version]]] --yes`: removes matching plugin directories; none matching is not an error. */
export async function pluginRm(args: ParsedArgs): Promise<number> {
  expectArgs(args, 0, 3, "plugin rm");
  if (!args.bool("yes")) throw new CliError("--yes must be passed in to proceed when running in non-interactive mode");
  const [kind, name, version] = args.positionals;
  const dir = pluginDir();
  if (!fs.existsSync(dir)) return 0;
  for (const f of fs.readdirSync(dir)) {
    const m = /^([a-z]+)-(.+)-v(\d.*)$/.exec(f);
    if (!m || (kind && m[1] !== kind) || (name && m[2] !== name) || (version && m[3] !== version.replace(/^v/, "")))
      continue;
    fs.rmSync(path.join(dir, f), { recursive: true, force: true });
  }
  return 0;
}

/** `org`, `org get-default`, `org set-default`: the DIY backend has no organizations (pkg/cmd/pulumi/org/org.go). */
export async function org(args: ParsedArgs, sub: "" | "get-default" | "set-default"): Promise<number> {
  let project;
  try {
    project = loadProject(process.cwd());
  } catch {
    project = undefined;
  }
  const { url } = backendRoot(project);
  if (sub === "get-default") {
    expectArgs(args, 0, 0, "org get-default");
    throw new CliError(`backends of this type "${diyName()}" do not support organizations`);
  }
  if (sub === "set-default") {
    if (args.positionals.length !== 1) throw new CliError(`accepts 1 arg(s), received ${args.positionals.length}`);
    throw new CliError(`unable to set a default organization for backend type: ${diyName()}`);
  }
  expectArgs(args, 0, 0, "org");
  print(`Current Backend: ${url}\nNo Default Org Specified`);
  return 0;
}

/** `config env add|ls|rm`: ESC environments live in Pulumi Cloud; the DIY backend refuses (config_env.go). */
export async function configEnv(args: ParsedArgs): Promise<number> {
  const ctx = Context.load();
  ctx.existingStack(args);
  throw new CliError(`backend ${diyName()} does not support environments`);
}
