import type { Crypter } from "../backend/crypto";
import { StackLock } from "../backend/locks";
import type { StackRef } from "../backend/project";
import type { ConfigEntry } from "../backend/stack-config";
import { applyProjectConfig } from "../backend/project-config-schema";
import { configEntries, openCrypter, readStackConfig, saltOf } from "../backend/stack-config";
import type { Deployment as DeploymentState } from "../backend/state";
import { decryptDeployment, encryptDeployment, newManifest, resourcesJson } from "../backend/state";
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
import { expectArgs } from "./args";
import { saveConfigArray } from "./config-commands";
import { Context, print } from "./context";
import { UNSUPPORTED_OP_FLAGS } from "./op-flags";
import * as fs from "node:fs";
import type { ResourceState as ResourceStateT } from "../backend/state";
import { stackConfigPath } from "../backend/stack-config";
import { dependenciesOf, UrnFilter } from "../engine/targets";
import { PlanRecorder, readPlan, writePlan } from "../engine/plan";
import { writeImportFile } from "../engine/import-file";
import { checkPolicyPackFlags } from "../engine/policy-config";
import { startPolicies, analyzeStack } from "../engine/policy-run";

function defaultTags(entry: ConfigEntry | undefined): Record<string, string> | undefined {
  if (!entry) return undefined;
  const parsed = JSON.parse(entry.value) as { tags?: Record<string, string> };
  return parsed.tags;
}

const masked = (config: Record<string, ConfigEntry>): Record<string, string> =>
  Object.fromEntries(Object.entries(config).map(([k, e]) => [k, e.secret ? "[secret]" : e.value]));

/** The real CLI's answer to `--remote` on any backend but Pulumi Cloud (pkg/cmd/pulumi/deployment/remote.go). */
export const REMOTE_NEEDS_CLOUD =
  "the Pulumi Cloud backend must be used for remote operations; use `pulumi login` without arguments to log into the Pulumi Cloud backend";

const NEEDS_YES: Record<OperationKind, string | undefined> = {
  update: "--yes or --skip-preview must be passed in to proceed when running in non-interactive mode",
  preview: undefined,
  refresh:
    "--yes or --skip-preview or --preview-only must be passed in to proceed when running in non-interactive mode",
  destroy:
    "--yes or --skip-preview or --preview-only must be passed in to proceed when running in non-interactive mode",
};

/** `up`, `preview`, `refresh` and `destroy`: lock, run the engine, save state and history, print, stream events. */
export async function runOperation(kind: OperationKind, args: ParsedArgs): Promise<number> {
  const name = kind === "update" ? "up" : kind;
  // With --remote the operation goes to the Deployments API; positional url and all, it never reaches the engine.
  if (args.bool("remote")) throw new CliError(REMOTE_NEEDS_CLOUD);
  expectArgs(args, 0, 0, name);
  for (const [flag, what] of Object.entries(UNSUPPORTED_OP_FLAGS)) {
    if (args.has(flag)) throw unsupported(`--${flag} (the real CLI ${what})`);
  }
  checkPolicyPackFlags(args.multi("policy-pack"), args.multi("policy-pack-config"));
  if (args.multi("target").length > 0 && args.multi("exclude").length > 0) {
    throw new CliError(
      "if any flags in the group [target exclude] are set none of the others can be; [exclude target] were all set",
    );
  }
  const previewOnly = args.bool("preview-only");
  const dryRun = kind === "preview" || previewOnly;
  const yes = args.bool("yes") || args.bool("skip-preview");
  const needsYes = NEEDS_YES[kind];
  if (needsYes && !yes && !previewOnly) throw new CliError(needsYes);
  if (kind === "destroy" && args.bool("exclude-protected") && args.multi("target").length > 0) {
    throw new CliError("you cannot specify --target and --exclude-protected");
  }
  const ctx = Context.load();
  const ref = ctx.existingStack(args);
  saveConfigArray(ctx, ref, args.multi("config"), args.bool("config-path"));
  const crypter = openCrypter(ctx.project, ref, ctx.store);
  const plan = kind === "update" ? args.string("plan") : undefined;
  const lock = dryRun ? undefined : StackLock.acquire(ctx.store, ref);
  try {
    return await operate(kind, dryRun, args, ctx, ref, crypter, plan);
  } finally {
    lock?.release();
  }
}

/** `destroy --exclude-protected`: protected resources and everything they depend on (getProtectedExcludes). */
function protectedClosure(resources: readonly ResourceStateT[]): Set<string> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const out = new Set<string>();
  const visit = (urn: string): void => {
    if (out.has(urn)) return;
    out.add(urn);
    const r = byUrn.get(urn);
    if (r) for (const d of dependenciesOf(r)) visit(d);
  };
  for (const r of resources) if (r.protect) visit(r.urn);
  return new Set([...out].filter((u) => byUrn.has(u)));
}

async function operate(
  kind: OperationKind,
  dryRun: boolean,
  args: ParsedArgs,
  ctx: Context,
  ref: StackRef,
  crypter: Crypter,
  planFile: string | undefined,
): Promise<number> {
  const started = Date.now();
  const cfg = readStackConfig(ctx.project, ref);
  const config = applyProjectConfig(ctx.project, ref, cfg, configEntries(cfg, crypter));
  const salt = saltOf(ctx.project, ref) ?? "";
  let latest: DeploymentState = decryptDeployment(
    ctx.store.read(ref).checkpoint.latest ?? { manifest: newManifest() },
    crypter,
  );
  const excludes = [...args.multi("exclude")];
  let protectedCount = 0;
  if (kind === "destroy" && args.bool("exclude-protected")) {
    const all = latest.resources ?? [];
    const prot = protectedClosure(all);
    protectedCount = prot.size;
    excludes.push(...prot);
    if (protectedCount === all.length && protectedCount > 0) {
      print(
        `There were no unprotected resources to destroy. There are still ${protectedCount} protected resources associated with this stack.`,
      );
      return 0;
    }
  }
  const filter = new UrnFilter(
    args.multi("target"),
    excludes,
    args.bool("target-dependents"),
    args.bool("exclude-dependents"),
  );
  const plan = planFile ? readPlan(planFile, ctx.project, ref) : undefined;
  const planRecorder = kind === "preview" && args.string("save-plan") ? new PlanRecorder() : undefined;
  const events = EventSink.open(args.string("event-log"));
  events.emit({ preludeEvent: { config: masked(config) } });
  const pending = latest.pending_operations ?? [];
  if (pending.length > 0) {
    const list = pending.map((p) => `  * ${p.resource.urn}, interrupted while ${p.type}`).join("\n");
    events.emit({
      diagnosticEvent: {
        message: `Attempting to deploy or update resources with ${pending.length} pending operations from previous deployment.\n${list}\nThese resources are in an unknown state because the Pulumi CLI was interrupted while waiting for changes to these resources to complete. You should confirm whether or not the operations listed completed successfully by checking the state of the appropriate provider.\n`,
        color: "never",
        severity: "warning",
      },
    });
    latest = { ...latest, pending_operations: undefined };
  }
  // Written after every step: the resources rendered by resourcesJson, which renders each state once.
  const resources = resourcesJson(crypter);
  const persist = dryRun
    ? undefined
    : (d: DeploymentState) =>
        ctx.store.write(
          ref,
          encryptDeployment({ ...d, secrets_providers: { type: "passphrase", state: { salt } } }, crypter, {
            resources: false,
          }),
          cfg.config,
          resources,
        );
  const region = config["aws:region"]?.value ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1";
  const aws = new SimulatedAws(
    {
      region,
      accountId: process.env.PULUMI_STANDIN_ACCOUNT_ID ?? "123456789012",
      project: ref.project,
      stack: ref.stack,
    },
    ctx.store.root,
  );
  const faults = new Faults();
  const deployment = (snapshot: SnapshotManager): Deployment =>
    new Deployment({
      project: ref.project,
      stack: ref.stack,
      dryRun,
      snapshot,
      events,
      aws,
      faults,
      replaceUrns: new Set(args.multi("replace")),
      defaultTags: defaultTags(config["aws:defaultTags"]),
      filter: filter.active ? filter : undefined,
      plan,
      planRecorder,
      continueOnError: args.bool("continue-on-error"),
    });
  const client = args.string("client");
  // An inline program (the Automation API's, via --client) or a Node.js program on disk (`pulumi up` by hand).
  const execute = (d: Deployment): Promise<string | undefined> => {
    const run = {
      project: ref.project,
      stack: ref.stack,
      programDir: ctx.project.dir,
      main: ctx.project.main ?? ".",
      config,
      dryRun: d.opts.dryRun,
      parallel: args.int("parallel") ?? 2147483647,
      attachDebugger: args.bool("attach-debugger"),
    };
    return client
      ? runProgram(d, { ...run, client }, ctx.store.root)
      : runDiskProgram(d, run, ctx.project.runtime, ctx.store.root);
  };
  if (args.bool("refresh")) {
    const r = deployment(new SnapshotManager(latest, persist));
    await refreshResources(r);
    latest = r.opts.snapshot.deployment();
  }
  const snapshot = new SnapshotManager(latest, persist);
  const d = deployment(snapshot);
  // The packs (child processes) are stopped when this process exits, however the operation ends.
  const policies = await startPolicies(d, args.multi("policy-pack"), args.multi("policy-pack-config"), config);
  // Like the real CLI: the first SIGINT cancels gracefully (state saved, lock released), a second one kills.
  let interrupts = 0;
  process.on("SIGINT", () => {
    if (++interrupts > 1) process.exit(255);
    print("^C received; cancelling. If you would like to terminate immediately, press ^C again.");
    d.cancel();
  });
  let programError: string | undefined;
  // With --continue-on-error the deletes of resources the program no longer declares still run after failures.
  const clean = (): boolean => (d.opts.continueOnError ?? false) || (!d.failed && d.loggedErrors.length === 0);
  if (kind === "update" || kind === "preview") {
    let deleted = false;
    d.onShutdown = async () => {
      if (!clean()) return;
      deleted = true;
      await deleteUnregistered(d);
    };
    programError = await execute(d);
    if (programError && clean()) d.log("error", `an unhandled error occurred: ${programError}`, "");
    if (!programError && clean() && !deleted) await deleteUnregistered(d);
  } else {
    let done = false;
    const work = async (): Promise<void> => {
      done = true;
      if (kind === "refresh") await refreshResources(d);
      else await destroyResources(d, snapshot, filter);
    };
    if (args.bool("run-program")) {
      // The program runs against the state (no steps) so its errors and logs surface as with the real engine; a
      // destroy's deletes run while it waits for shutdown, so its delete hooks can be called back.
      const p = new Deployment({
        ...deployment(new SnapshotManager(latest, undefined)).opts,
        programOnly: true,
        events: d.opts.events,
      });
      p.hooks = d.hooks;
      if (kind === "destroy") p.onShutdown = async () => (p.loggedErrors.length === 0 ? work() : undefined);
      programError = await execute(p);
      for (const e of p.loggedErrors) d.loggedErrors.push(e);
      if (programError && p.loggedErrors.length === 0)
        d.log("error", `an unhandled error occurred: ${programError}`, "");
    }
    if (!done && programError === undefined && d.loggedErrors.length === 0) await work();
  }
  d.hooks.close();
  if (policies && !d.failed && !d.canceled && programError === undefined) await analyzeStack(d, policies, snapshot);
  const failed =
    d.failed || d.canceled || d.loggedErrors.length > 0 || programError !== undefined || d.mandatoryViolations > 0;
  if (!dryRun) snapshot.persist();
  const seconds = (Date.now() - started) / 1000;
  events.emit({
    summaryEvent: {
      maybeCorrupt: false,
      durationSeconds: Math.round(seconds),
      resourceChanges: d.changes,
      policyPacks: policies?.versions() ?? {},
    },
  });
  await events.close();
  if (!dryRun) {
    ctx.store.appendHistory(
      ref,
      {
        kind,
        startTime: Math.floor(started / 1000),
        endTime: Math.floor(Date.now() / 1000),
        message: args.string("message") ?? "",
        environment: { "exec.kind": args.string("exec-kind") ?? "cli" },
        config: masked(config),
        result: failed ? "failed" : "succeeded",
        resourceChanges: d.changes,
      },
      ctx.store.read(ref),
    );
  }
  const root = snapshot.deployment().resources?.find((r) => r.type === "pulumi:pulumi:Stack");
  print(
    renderDisplay(kind, dryRun, ctx.displayName(ref), events.emitted(), d.changes, root?.outputs, seconds, policies),
  );
  if (d.canceled) throw new CliError(`${kind} canceled`);
  if (failed) throw new CliError(`${kind} failed`);
  if (args.bool("expect-no-changes") && Object.entries(d.changes).some(([op, n]) => op !== "same" && (n ?? 0) > 0)) {
    throw new CliError("no changes were expected but changes occurred");
  }
  if (planRecorder) {
    const file = args.string("save-plan") ?? "";
    writePlan(file, planRecorder, ref, config);
    print(
      `Update plan written to '${file}'\nRun \`pulumi up --plan='${file}'\` to constrain the update to the operations planned by this preview`,
    );
  }
  if (kind === "preview" && args.string("import-file"))
    writeImportFile(args.string("import-file") ?? "", events.emitted());
  if (kind === "destroy") finishDestroy(ctx, ref, args, protectedCount);
  return 0;
}

/** Deletes what the filter allows; with `--target` and without `--target-dependents`, a dependent left behind fails. */
async function destroyResources(d: Deployment, snapshot: SnapshotManager, filter: UrnFilter): Promise<void> {
  const olds = snapshot.oldResources();
  if (!filter.active) {
    await deleteResources(d, olds, false);
    return;
  }
  const allowed = filter.allowed(olds);
  if (filter.hasTargets) {
    for (const r of olds) {
      const dep = dependenciesOf(r).find((u) => allowed.has(u));
      if (!allowed.has(r.urn) && dep && !r.type.startsWith("pulumi:providers:")) {
        d.fail(
          dep,
          olds.find((o) => o.urn === dep)?.type ?? "",
          "delete",
          undefined,
          undefined,
          new Error(
            `Cannot delete '${dep}' because '${r.urn}' depends on it and is not targeted; use --target-dependents to delete it too`,
          ),
        );
        return;
      }
    }
  }
  await deleteResources(
    d,
    olds.filter((r) => allowed.has(r.urn)),
    false,
  );
}

/** The lines the real `pulumi destroy` prints after a successful destroy (pkg/cmd/pulumi/operations/destroy.go). */
function finishDestroy(ctx: Context, ref: StackRef, args: ParsedArgs, protectedCount: number): void {
  const name = ctx.displayName(ref);
  if (protectedCount > 0) {
    print(
      `All unprotected resources were destroyed. There are still ${protectedCount} protected resources associated with this stack.`,
    );
  } else if (args.multi("target").length === 0) {
    if (!args.bool("remove") && !args.bool("preview-only")) {
      print(
        "The resources in the stack have been deleted, but the history and configuration associated with the stack are still maintained. \n" +
          `If you want to remove the stack completely, run \`pulumi stack rm ${name}\`.`,
      );
    } else if (args.bool("remove")) {
      ctx.store.remove(ref);
      fs.rmSync(stackConfigPath(ctx.project, ref), { force: true });
      if (ctx.isCurrent(ref)) ctx.clearSelection();
      print("The resources in the stack have been deleted, and the history and configuration removed.");
    }
  }
}
