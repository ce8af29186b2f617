import type { Crypter } from "../backend/crypto";
import { StackLock } from "../backend/locks";
import type { StackRef } from "../backend/project";
import type { ConfigEntry } from "../backend/stack-config";
import { applyProjectConfig } from "../backend/project-config-schema";
import { configEntries, openCrypter, readStackConfig, saltOf } from "../backend/stack-config";
import type { Deployment as DeploymentState } from "../backend/state";
import { decryptDeployment, encryptDeployment, newManifest } from "../backend/state";
import { SimulatedAws } from "../aws/provider";
import { CliError, unsupported } from "../errors";
import { deleteResources, deleteUnregistered } from "../engine/deletes";
import { Deployment } from "../engine/deployment";
import type { OperationKind } from "../engine/display";
import { renderDisplay } from "../engine/display";
import { EventSink } from "../engine/events";
import { Faults } from "../engine/faults";
import { refreshResources } from "../engine/refresh";
import { runDiskProgram } from "../engine/run-disk-program";
import { runProgram } from "../engine/run-program";
import { SnapshotManager } from "../engine/snapshot";
import type { ParsedArgs } from "./args";
import { expectArgs, rejectUnsupported } from "./args";
import { Context, print } from "./context";
import { UNSUPPORTED_OP_FLAGS } from "./op-flags";

function defaultTags(entry: ConfigEntry | undefined): Record<string, string> | undefined {
  if (!entry) return undefined;
  const parsed = JSON.parse(entry.value) as { tags?: Record<string, string> };
  return parsed.tags;
}

const masked = (config: Record<string, ConfigEntry>): Record<string, string> =>
  Object.fromEntries(Object.entries(config).map(([k, e]) => [k, e.secret ? "[secret]" : e.value]));

/** `up`, `preview`, `refresh` and `destroy`: lock, run the engine, save state and history, print, stream events. */
export async function runOperation(kind: OperationKind, args: ParsedArgs): Promise<number> {
  expectArgs(args, 0, 0, kind === "update" ? "up" : kind);
  rejectUnsupported(args, UNSUPPORTED_OP_FLAGS);
  const dryRun = kind === "preview" || args.bool("preview-only");
  if ((kind === "refresh" || kind === "destroy") && args.bool("run-program")) throw unsupported(`--run-program=true for ${kind}`);
  if (!dryRun && !args.bool("yes")) {
    throw new CliError("--yes must be passed in to proceed when running in non-interactive mode");
  }
  const ctx = Context.load();
  const ref = ctx.existingStack(args);
  const crypter = openCrypter(ctx.project, ref, ctx.store);
  const lock = dryRun ? undefined : StackLock.acquire(ctx.store, ref);
  try {
    return await operate(kind, dryRun, args, ctx, ref, crypter);
  } finally {
    lock?.release();
  }
}

async function operate(kind: OperationKind, dryRun: boolean, args: ParsedArgs, ctx: Context, ref: StackRef, crypter: Crypter): Promise<number> {
  const started = Date.now();
  const cfg = readStackConfig(ctx.project, ref);
  const config = applyProjectConfig(ctx.project, ref, cfg, configEntries(cfg, crypter));
  const salt = saltOf(ctx.project, ref) ?? "";
  let latest: DeploymentState = decryptDeployment(ctx.store.read(ref).checkpoint.latest ?? { manifest: newManifest() }, crypter);
  const events = EventSink.open(args.string("event-log"));
  events.emit({ preludeEvent: { config: masked(config) } });
  const pending = latest.pending_operations ?? [];
  if (pending.length > 0) {
    const list = pending.map((p) => `  * ${p.resource.urn}, interrupted while ${p.type}`).join("\n");
    events.emit({
      diagnosticEvent: {
        message: `Attempting to deploy or update resources with ${pending.length} pending operations from previous deployment.\n${list}\nThese resources are in an unknown state because the Pulumi CLI was interrupted while waiting for changes to these resources to complete. You should confirm whether or not the operations listed completed successfully by checking the state of the appropriate provider.\n`,
        color: "never", severity: "warning",
      },
    });
    latest = { ...latest, pending_operations: undefined };
  }
  const persist = dryRun
    ? undefined
    : (d: DeploymentState) =>
        ctx.store.write(ref, encryptDeployment({ ...d, secrets_providers: { type: "passphrase", state: { salt } } }, crypter), cfg.config);
  const region = config["aws:region"]?.value ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1";
  const aws = new SimulatedAws(
    { region, accountId: process.env.PULUMI_STANDIN_ACCOUNT_ID ?? "123456789012", project: ref.project, stack: ref.stack },
    ctx.store.root,
  );
  const faults = new Faults();
  const deployment = (snapshot: SnapshotManager): Deployment =>
    new Deployment({
      project: ref.project, stack: ref.stack, dryRun, snapshot, events, aws, faults,
      replaceUrns: new Set(args.multi("replace")), defaultTags: defaultTags(config["aws:defaultTags"]),
    });
  if ((kind === "update" || kind === "preview") && args.bool("refresh")) {
    const r = deployment(new SnapshotManager(latest, persist));
    await refreshResources(r);
    latest = r.opts.snapshot.deployment();
  }
  const snapshot = new SnapshotManager(latest, persist);
  const d = deployment(snapshot);
  // Like the real CLI: the first SIGINT cancels gracefully (state saved, lock released), a second one kills.
  let interrupts = 0;
  process.on("SIGINT", () => {
    if (++interrupts > 1) process.exit(255);
    print("^C received; cancelling. If you would like to terminate immediately, press ^C again.");
    d.cancel();
  });
  let programError: string | undefined;
  if (kind === "update" || kind === "preview") {
    const client = args.string("client");
    const run = {
      project: ref.project, stack: ref.stack, programDir: ctx.project.dir, main: ctx.project.main ?? ".",
      config, dryRun, parallel: Number(args.string("parallel") ?? "0") || 2147483647,
    };
    programError = client
      ? await runProgram(d, { ...run, client }, ctx.store.root)
      : await runDiskProgram(d, run, ctx.project.runtime, ctx.store.root);
    if (programError && !d.failed && d.loggedErrors.length === 0) d.log("error", `an unhandled error occurred: ${programError}`, "");
    if (!programError && !d.failed && d.loggedErrors.length === 0) await deleteUnregistered(d);
  } else if (kind === "refresh") {
    await refreshResources(d);
  } else {
    await deleteResources(d, snapshot.oldResources(), false);
  }
  const failed = d.failed || d.canceled || d.loggedErrors.length > 0 || programError !== undefined;
  if (!dryRun) snapshot.persist();
  const seconds = (Date.now() - started) / 1000;
  events.emit({ summaryEvent: { maybeCorrupt: false, durationSeconds: Math.round(seconds), resourceChanges: d.changes, policyPacks: {} } });
  await events.close();
  if (!dryRun) {
    ctx.store.appendHistory(ref, {
      kind, startTime: Math.floor(started / 1000), endTime: Math.floor(Date.now() / 1000), message: args.string("message") ?? "",
      environment: { "exec.kind": args.string("exec-kind") ?? "cli" }, config: masked(config),
      result: failed ? "failed" : "succeeded", resourceChanges: d.changes,
    }, ctx.store.read(ref));
  }
  const root = snapshot.deployment().resources?.find((r) => r.type === "pulumi:pulumi:Stack");
  print(renderDisplay(kind, dryRun, ctx.displayName(ref), events.emitted(), d.changes, root?.outputs, seconds));
  if (d.canceled) throw new CliError(`${kind} canceled`);
  if (failed) throw new CliError(`${kind} failed`);
  if (args.bool("expect-no-changes") && Object.entries(d.changes).some(([op, n]) => op !== "same" && (n ?? 0) > 0)) {
    throw new CliError("no changes were expected but changes occurred");
  }
  return 0;
}
