import * as fs from "node:fs";
import * as os from "node:os";
import { StackLock } from "../backend/locks";
import { backendRoot, loadProject, qualifiedName } from "../backend/project";
import { openCrypter, readStackConfig, stackConfigPath } from "../backend/stack-config";
import { newManifest } from "../backend/state";
import { CliError, stackAlreadyExists, unsupported } from "../errors";
import type { ParsedArgs } from "./args";
import { expectArgs } from "./args";
import { Context, print, printJson } from "./context";

export async function stackInit(args: ParsedArgs): Promise<number> {
  expectArgs(args, 0, 1, "stack init");
  const ctx = Context.load();
  const ref = ctx.stackRef(args, args.positionals[0]);
  const provider = args.string("secrets-provider");
  if (provider !== undefined && provider !== "passphrase" && provider !== "default") {
    throw unsupported(`secrets provider '${provider}'`);
  }
  if (ctx.store.exists(ref)) throw stackAlreadyExists(ctx.displayName(ref));
  ctx.store.ensureMeta();
  // The real CLI sets up the secrets manager at init, so a missing passphrase fails here already.
  openCrypter(ctx.project, ref, ctx.store);
  const salt = readStackConfig(ctx.project, ref).encryptionsalt ?? "";
  ctx.store.write(ref, { manifest: newManifest(), secrets_providers: { type: "passphrase", state: { salt } } });
  if (!args.bool("no-select")) ctx.selectStack(ref);
  print(`Created stack '${ctx.displayName(ref)}'`);
  return 0;
}

export async function stackSelect(args: ParsedArgs): Promise<number> {
  expectArgs(args, 0, 1, "stack select");
  const ctx = Context.load();
  const ref = ctx.stackRef(args, args.positionals[0]);
  if (!ctx.store.exists(ref)) {
    if (!args.bool("create")) {
      throw new CliError(`no stack named '${ctx.displayName(ref)}' found`);
    }
    return stackInit(args);
  }
  ctx.selectStack(ref);
  return 0;
}

export async function stackLs(args: ParsedArgs): Promise<number> {
  expectArgs(args, 0, 0, "stack ls");
  const ctx = Context.load();
  const refs = ctx.store.list(args.bool("all") ? undefined : ctx.project.name);
  // stackSummaryJSON as the DIY backend fills it: no updateInProgress (SupportsProgress is false), no url (not
  // httpstate); lastUpdate is the checkpoint's manifest time and resourceCount counts its resources, both only
  // once an operation has written a deployment (the stand-in's `stack init` writes an empty one for the salt).
  const rows = refs.map((ref) => {
    const latest = ctx.store.read(ref).checkpoint.latest;
    const time = latest?.manifest?.time;
    const deployed = latest && ctx.store.history(ref).length > 0;
    return {
      name: ctx.displayName(ref),
      current: ctx.isCurrent(ref),
      ...(deployed && time ? { lastUpdate: new Date(time).toISOString().replace(/\.\d{3}Z$/, "Z") } : {}),
      ...(deployed ? { resourceCount: latest.resources?.length ?? 0 } : {}),
    };
  });
  if (args.bool("json")) printJson(rows);
  else
    print(
      [
        "NAME  LAST UPDATE  RESOURCE COUNT",
        ...rows.map((r) => `${r.name}${r.current ? "*" : ""}  ${r.lastUpdate ?? "n/a"}  ${r.resourceCount ?? "n/a"}`),
      ].join("\n"),
    );
  return 0;
}

export async function stackRm(args: ParsedArgs): Promise<number> {
  expectArgs(args, 0, 1, "stack rm");
  const ctx = Context.load();
  const ref = ctx.existingStack(args, args.positionals[0]);
  const name = ctx.displayName(ref);
  if (!args.bool("yes")) throw new CliError("--yes must be passed in to proceed when running in non-interactive mode");
  const force = args.bool("force");
  if (!force) StackLock.checkUnlocked(ctx.store, ref);
  const resources = ctx.store.read(ref).checkpoint.latest?.resources ?? [];
  if (resources.length > 0 && !force) {
    throw new CliError(
      `'${name}' still has resources; removal rejected. Possible actions:\n` +
        `- Make sure that '${name}' is the stack that you want to destroy\n` +
        "- Run `pulumi destroy` to delete the resources, then run `pulumi stack rm`\n" +
        "- Run `pulumi stack rm --force` to override this error",
    );
  }
  const wasCurrent = ctx.isCurrent(ref);
  ctx.store.remove(ref);
  if (!args.bool("preserve-config")) fs.rmSync(stackConfigPath(ctx.project, ref), { force: true });
  if (wasCurrent) ctx.clearSelection();
  print(`Stack '${name}' has been removed!`);
  return 0;
}

const BUILTIN_TAGS = (ctx: Context): Record<string, string> => ({
  "pulumi:project": ctx.project.name,
  "pulumi:runtime": typeof ctx.project.runtime === "string" ? ctx.project.runtime : "nodejs",
});

/** `stack tag get|set|rm|ls`; the DIY backend keeps tags next to the checkpoint. */
export async function stackTag(sub: string, args: ParsedArgs): Promise<number> {
  const ctx = Context.load();
  const ref = ctx.existingStack(args);
  const tags = ctx.store.readTags(ref);
  const all = { ...BUILTIN_TAGS(ctx), ...tags };
  switch (sub) {
    case "ls":
      expectArgs(args, 0, 0, "stack tag ls");
      if (args.bool("json")) printJson(all);
      else
        print(
          Object.entries(all)
            .map(([k, v]) => `${k}  ${v}`)
            .join("\n"),
        );
      return 0;
    case "get": {
      expectArgs(args, 1, 1, "stack tag get");
      const value = all[args.positionals[0]];
      if (value === undefined) {
        throw new CliError(`stack tag '${args.positionals[0]}' not found for stack '${qualifiedName(ref)}'`);
      }
      print(value);
      return 0;
    }
    case "set":
      expectArgs(args, 2, 2, "stack tag set");
      ctx.store.writeTags(ref, { ...tags, [args.positionals[0]]: args.positionals[1] });
      return 0;
    case "rm":
      expectArgs(args, 1, 1, "stack tag rm");
      delete tags[args.positionals[0]];
      ctx.store.writeTags(ref, tags);
      return 0;
    default:
      throw new CliError(`unknown command "${sub}" for "pulumi stack tag"`);
  }
}

/** For the DIY backend the user is the OS user and the URL the backend's. */
export async function whoami(args: ParsedArgs): Promise<number> {
  expectArgs(args, 0, 0, "whoami");
  let project;
  try {
    project = loadProject(process.cwd());
  } catch {
    project = undefined;
  }
  const { url } = backendRoot(project);
  const user = os.userInfo().username;
  // whoami's own -v/--verbose (a bool, shadowing the global log level) adds the organizations and the backend URL.
  if (args.bool("json")) printJson({ user, organizations: [], url });
  else if (args.bool("verbose")) print(`User: ${user}\nOrganizations: \nBackend URL: ${url}`);
  else print(user);
  return 0;
}

/** `cancel`: on the DIY backend this deletes the stack's lock files, leaving state as it is. */
export async function cancel(args: ParsedArgs): Promise<number> {
  expectArgs(args, 0, 1, "cancel");
  const ctx = Context.load();
  const ref = ctx.existingStack(args, args.positionals[0]);
  StackLock.removeAll(ctx.store, ref);
  print(`The currently running update for '${ctx.displayName(ref)}' has been canceled!`);
  return 0;
}
