import { accountScope } from "../aws/account-rules";
import { withAccount, type CloudResource } from "../aws/account-store";
import { StackLock } from "../backend/locks";
import { openCrypter } from "../backend/stack-config";
import { decryptDeployment, encryptDeployment, newManifest, type ResourceState } from "../backend/state";
import { CliError, unsupported } from "../errors";
import type { ParsedArgs } from "../cli/args";
import { expectArgs } from "../cli/args";
import { Context, print } from "../cli/context";

/**
 * `pulumi import <type> <name> <id>`: adopts one resource that exists in the simulated account into the stack's state,
 * the way an operator recovers a resource whose create was interrupted (the real command runs an update made only of
 * import steps). The id is what @pulumi/aws documents for the type's import (an RDS instance's `identifier`, a role's
 * name, an ARN…), matched against the account's id or physical name. `--parent name=urn` places it under a component
 * so its URN is the one the program registers. Pending operations for that URN are cleared. Code generation is not
 * simulated (pass `--generate-code=false`); `--protect` defaults to true as in the real CLI.
 */
export async function importResource(args: ParsedArgs): Promise<number> {
  expectArgs(args, 3, 3, "import");
  for (const flag of ["file", "provider", "out"]) if (args.has(flag)) throw unsupported(`import --${flag}`);
  if (args.bool("generate-code") || !args.has("generate-code"))
    throw unsupported("generating code on import (pass --generate-code=false)");
  if (!args.bool("yes")) throw new CliError("--yes must be passed in to proceed when running in non-interactive mode");
  const [type, name, id] = args.positionals as [string, string, string];
  const ctx = Context.load();
  const ref = ctx.existingStack(args);
  const crypter = openCrypter(ctx.project, ref, ctx.store);
  const lock = StackLock.acquire(ctx.store, ref);
  try {
    const parentUrn = parentOf(args.string("parent"));
    const parentType = parentUrn?.split("::")[2] ?? "";
    const qualified =
      parentUrn === undefined || parentType.endsWith("pulumi:pulumi:Stack") ? type : `${parentType}$${type}`;
    const urn = `urn:pulumi:${ref.stack}::${ref.project}::${qualified}::${name}`;
    const checkpoint = ctx.store.read(ref);
    const latest = decryptDeployment(checkpoint.checkpoint.latest ?? { manifest: newManifest() }, crypter);
    const resources = latest.resources ?? [];
    if (resources.some((r) => r.urn === urn && !r.delete))
      throw new CliError(`resource '${urn}' already exists in the stack`);
    if (parentUrn !== undefined && !resources.some((r) => r.urn === parentUrn))
      throw new CliError(`could not find parent resource '${parentUrn}'`);
    const cloud = claim(ctx.store.root, type, id, urn, `${ref.project}/${ref.stack}`);
    const provider = resources.find(
      (r) => r.type === "pulumi:providers:aws" && r.urn.split("::").pop()?.startsWith("default"),
    );
    const now = new Date().toISOString();
    const adopted: ResourceState = {
      urn,
      custom: true,
      id: cloud.id,
      type,
      inputs: { ...cloud.inputs },
      outputs: { ...cloud.outputs },
      parent: parentUrn ?? resources.find((r) => r.type === "pulumi:pulumi:Stack")?.urn,
      protect: args.has("protect") ? args.bool("protect") || undefined : true,
      provider: provider === undefined ? undefined : `${provider.urn}::${provider.id ?? ""}`,
      created: now,
      modified: now,
    };
    const pending = (latest.pending_operations ?? []).filter((p) => p.resource.urn !== urn);
    const next = {
      ...latest,
      manifest: newManifest(),
      resources: [...resources, adopted],
      pending_operations: pending.length > 0 ? pending : undefined,
    };
    ctx.store.write(ref, encryptDeployment(next, crypter), checkpoint.checkpoint.config);
    ctx.store.appendHistory(
      ref,
      {
        kind: "import",
        startTime: Math.floor(Date.now() / 1000),
        endTime: Math.floor(Date.now() / 1000),
        message: args.string("message") ?? "",
        environment: { "exec.kind": "cli" },
        config: {},
        result: "succeeded",
        resourceChanges: { import: 1 },
      },
      ctx.store.read(ref),
    );
    print(
      `Importing (${ctx.displayName(ref)}):\n    ${type} ${name} imported (id ${cloud.id})\nResources:\n    + 1 imported`,
    );
    return 0;
  } finally {
    lock.release();
  }
}

function parentOf(flag: string | undefined): string | undefined {
  if (flag === undefined) return undefined;
  const eq = flag.indexOf("=");
  if (eq <= 0 || !flag.slice(eq + 1).startsWith("urn:pulumi:"))
    throw new CliError(`expected the parent as <name>=<urn>, got '${flag}'`);
  return flag.slice(eq + 1);
}

/** Finds the resource by its import id (its id, or the physical name AWS's import takes for named types) and adopts it. */
function claim(root: string, type: string, id: string, urn: string, stackKey: string): CloudResource {
  return withAccount(root, accountScope(type), (state) => {
    const found = state.resources.find((r) => r.type === type && (r.id === id || r.physicalName === id));
    if (found === undefined) throw new CliError(`Preview failed: resource '${id}' does not exist`);
    found.urn = urn;
    found.stack = stackKey;
    found.name = urn.split("::").pop() ?? found.name;
    return structuredClone(found);
  });
}
