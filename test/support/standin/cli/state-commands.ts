import * as fs from "node:fs";
import { Crypter, readPassphrase } from "../backend/crypto";
import { StackLock } from "../backend/locks";
import type { StackRef } from "../backend/project";
import { openCrypter, saltOf } from "../backend/stack-config";
import type { Deployment } from "../backend/state";
import {
  decryptDeployment,
  deploymentHasSecrets,
  encryptDeployment,
  newManifest,
  plaintextDeployment,
} from "../backend/state";
import { CliError } from "../errors";
import { maskSecrets, unwrap } from "../engine/values";
import type { ParsedArgs } from "./args";
import { expectArgs } from "./args";
import { Context, print, printJson } from "./context";

/** The latest deployment; secrets decrypted only when asked, so masked reads need no passphrase. */
export function readDeployment(ctx: Context, ref: StackRef, decrypt: boolean): Deployment {
  const latest = ctx.store.read(ref).checkpoint.latest ?? { manifest: newManifest() };
  if (!decrypt || !deploymentHasSecrets(latest)) return latest;
  return decryptDeployment(latest, openCrypter(ctx.project, ref, ctx.store));
}

export async function stackOutput(args: ParsedArgs): Promise<number> {
  expectArgs(args, 0, 1, "stack output");
  const ctx = Context.load();
  const ref = ctx.existingStack(args);
  const showSecrets = args.bool("show-secrets");
  const d = readDeployment(ctx, ref, showSecrets);
  const root = d.resources?.find((r) => r.type === "pulumi:pulumi:Stack");
  const outputs = root?.outputs ?? {};
  const shown = (showSecrets ? unwrap(outputs) : maskSecrets(outputs)) as Record<string, unknown>;
  const name = args.positionals[0];
  if (name !== undefined) {
    if (!(name in shown)) throw new CliError(`current stack does not have output property '${name}'`);
    if (args.bool("json")) printJson(shown[name]);
    else print(typeof shown[name] === "string" ? (shown[name] as string) : JSON.stringify(shown[name]));
    return 0;
  }
  if (args.bool("json")) printJson(shown);
  else {
    const lines = Object.entries(shown).map(([k, v]) => `    ${k}  ${typeof v === "string" ? v : JSON.stringify(v)}`);
    print(`Current stack outputs (${lines.length}):\n    OUTPUT  VALUE\n${lines.join("\n")}`);
  }
  return 0;
}

export async function stackHistory(args: ParsedArgs): Promise<number> {
  expectArgs(args, 0, 0, "stack history");
  const ctx = Context.load();
  const ref = ctx.existingStack(args);
  const all = ctx.store.history(ref);
  const pageSize = Number(args.string("page-size") ?? "0");
  const page = Math.max(1, Number(args.string("page") ?? "1"));
  const slice = pageSize > 0 ? all.slice((page - 1) * pageSize, page * pageSize) : all;
  const rows = slice.map((u, i) => ({
    version: all.length - ((page - 1) * Math.max(pageSize, 0) + i),
    kind: u.kind,
    startTime: new Date(u.startTime * 1000).toISOString(),
    message: u.message,
    environment: u.environment,
    config: u.config,
    result: u.result,
    endTime: new Date(u.endTime * 1000).toISOString(),
    ...(u.resourceChanges ? { resourceChanges: u.resourceChanges } : {}),
  }));
  if (args.bool("json")) printJson(rows);
  else print(rows.map((r) => `Version ${r.version}: ${r.kind} ${r.result} at ${r.endTime}`).join("\n"));
  return 0;
}

export async function stackExport(args: ParsedArgs): Promise<number> {
  expectArgs(args, 0, 0, "stack export");
  const ctx = Context.load();
  const ref = ctx.existingStack(args);
  const showSecrets = args.bool("show-secrets");
  const d = readDeployment(ctx, ref, showSecrets);
  const body = JSON.stringify({ version: 3, deployment: showSecrets ? plaintextDeployment(d) : d }, null, 4);
  const file = args.string("file");
  if (file) fs.writeFileSync(file, `${body}\n`);
  else print(body);
  return 0;
}

/** `stack import`: secrets in the file are re-encrypted with this stack's key, from plaintext or their own salt. */
export async function stackImport(args: ParsedArgs): Promise<number> {
  expectArgs(args, 0, 0, "stack import");
  const ctx = Context.load();
  const ref = ctx.existingStack(args);
  const file = args.string("file");
  const raw = file ? fs.readFileSync(file, "utf8") : fs.readFileSync(0, "utf8");
  const parsed = JSON.parse(raw) as { version?: number; deployment?: Deployment };
  if (parsed.version !== 3 || !parsed.deployment) throw new CliError("could not import deployment: expected version 3");
  const lock = StackLock.acquire(ctx.store, ref);
  try {
    let d: Deployment = { ...parsed.deployment, manifest: parsed.deployment.manifest ?? newManifest() };
    const ours = openCrypter(ctx.project, ref, ctx.store);
    if (deploymentHasSecrets(d)) {
      const theirSalt = d.secrets_providers?.state?.salt;
      const theirs =
        theirSalt && theirSalt !== saltOf(ctx.project, ref) ? Crypter.open(readPassphrase(), theirSalt) : ours;
      d = encryptDeployment(decryptDeployment(d, theirs), ours);
    }
    d.secrets_providers = { type: "passphrase", state: { salt: saltOf(ctx.project, ref) ?? "" } };
    const config = ctx.store.read(ref).checkpoint.config;
    ctx.store.write(ref, d, config);
  } finally {
    lock.release();
  }
  print("Import complete.");
  return 0;
}
