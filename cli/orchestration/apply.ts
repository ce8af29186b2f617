/**
 * provision and update: validated spec → shared outputs → stored spec → listener priority → up (or preview).
 * Provision converges when the tenant already exists with the same spec and refuses a different one;
 * update requires the tenant to exist and applies the operator's changes over its stored spec.
 */
import type { TenantSpec } from "../../infra/spec";
import { ConflictError, NotFoundError } from "../errors";
import { placeNewTenant } from "../capacity/placement";
import { newTenantImage, type DefaultImage } from "./default-image";
import { applyPin, type PinFlags } from "./pins";
import { applyFlags, parseSpecOrUsage, type RequestedTenant, type TenantFlags } from "../tenant-input";
import { claimPriority, peekPriority, releasePriority } from "../store/priorities";
import { previewNewStack } from "./dry-run";
import { runEngine } from "./run-engine";
import type { EngineSession } from "./session";
import { readSharedOutputs, plainOutputs } from "./shared-stack";
import { stackExists } from "../store/stack-files";
import { nextGeneration } from "../store/teardown-records";
import { runStackOperation } from "./stack-operation";
import { readIndexEntry } from "../store/tenant-index";
import { openTenantStack, readStoredTenant, specDiff, tenantTarget, type TenantTarget } from "./tenant-stack";

export interface ApplyRequest {
  readonly mode: "provision" | "update";
  readonly requested: RequestedTenant;
  /** The operator's flags; `pinImage`/`unpin` come from `update tenant` (cli/orchestration/pins.ts). */
  readonly flags: TenantFlags & PinFlags;
  readonly dryRun: boolean;
  /** Refresh first (`pulumi up --refresh`), so resources changed behind the program's back are put back too. */
  readonly refresh?: boolean;
  /** The command line that retries or resumes this operation, for hints. */
  readonly retry: string;
  /** Called with the spec diff before anything changes; false aborts (update on a TTY). */
  readonly confirm: (diff: readonly string[]) => Promise<boolean>;
}

export interface ApplyResult {
  readonly target: TenantTarget;
  readonly spec: TenantSpec;
  readonly diff: readonly string[];
  readonly changes: Record<string, number>;
  readonly outputs: Record<string, unknown>;
  readonly applied: boolean;
  /** For a new tenant without --image: which image it got and why. */
  readonly imageChoice?: DefaultImage;
}

async function desiredSpec(
  req: ApplyRequest,
  target: TenantTarget,
  stored: TenantSpec | undefined,
): Promise<TenantSpec> {
  if (stored === undefined) {
    if (req.mode === "provision") return req.requested.spec;
    throw new NotFoundError(`tenant ${target.slug} does not exist in env ${target.env}`, {
      hint: `create it with: tenantctl provision tenant ${target.slug} --env ${target.env}`,
    });
  }
  // Flags that were given apply over the stored spec; the ones left out keep their stored values.
  const candidate = applyPin(await applyFlags(stored, req.flags), req.flags);
  const diff = specDiff(stored, candidate);
  if (req.mode === "provision" && diff.length > 0) {
    throw new ConflictError(
      `tenant ${target.slug} already exists in env ${target.env} with a different spec (${diff.join("; ")})`,
      {
        hint: `to change it: tenantctl update tenant ${target.slug} --env ${target.env} <flags>; rerunning provision with its current flags converges`,
        details: { diff },
      },
    );
  }
  return candidate;
}

export async function applyTenant(session: EngineSession, req: ApplyRequest): Promise<ApplyResult> {
  const target = tenantTarget(req.requested.spec.slug, req.requested.spec.env);
  const shared = await readSharedOutputs(session, target.env);
  const stored = await readStoredTenant(session, target);
  const wanted = await desiredSpec(req, target, stored?.spec);
  const now = session.io.now();
  // A new tenant goes on an ALB with room; exit 5 before anything is created when it would cross a limit (docs/fleet.md).
  // It holds capacity seats from here on (unless a dry run); a new tenant abandoned before its stack exists gives them back.
  const loadBalancer =
    stored === undefined
      ? await placeNewTenant(session.store, target.env, shared, session.io.env, { self: target, peek: req.dryRun, now })
      : wanted.loadBalancer;
  const claim = {
    env: target.env,
    loadBalancer,
    project: target.project,
    stack: target.stack,
    slug: target.slug,
    current: stored?.spec.listenerPriority,
    now,
  };
  const abandon = async (error: unknown): Promise<never> => {
    // Only when no earlier run got as far as the engine (its index entry would exist, and maybe resources with it).
    const untouched =
      stored === undefined &&
      !req.dryRun &&
      (await readIndexEntry(session.store, target.project, target.stack)) === undefined;
    if (untouched) await releasePriority(session.store, claim).catch(() => undefined);
    throw error;
  };
  // A new tenant without --image gets what the env's fleet runs (cli/orchestration/default-image.ts), not an older shared image.
  const imageChoice =
    req.requested.imageGiven || stored !== undefined
      ? undefined
      : await newTenantImage(session.store, target.env, shared.imageUri).catch(abandon);
  const priority = req.dryRun
    ? await peekPriority(session.store, claim)
    : await claimPriority(session.store, claim).catch(abandon);
  const generation = stored?.spec.generation ?? (await nextGeneration(session.store, target.project, target.stack));
  let spec: TenantSpec;
  try {
    spec = parseSpecOrUsage({
      ...wanted,
      loadBalancer,
      image: imageChoice?.image ?? wanted.image,
      listenerPriority: priority,
      generation,
    });
  } catch (error: unknown) {
    return abandon(error);
  }
  const diff = stored === undefined ? [] : specDiff(stored.spec, spec);
  if (!(await req.confirm(diff).catch(abandon)))
    return { target, spec, diff, changes: {}, outputs: stored?.outputs ?? {}, applied: false };
  const run = {
    io: session.io,
    project: target.project,
    stack: target.stack,
    fileRoot: session.backend.fileRoot,
    retry: req.retry,
  };
  if (req.dryRun && !((await stackExists(session.backend, target.project, target.stack)) ?? stored !== undefined)) {
    // A dry run of a new tenant plans in a scratch backend: creating and removing the stack here would leave backups.
    const outcome = await previewNewStack(session, target, spec, shared, {
      retry: req.retry,
      refresh: req.refresh ?? false,
    });
    return { target, spec, diff, changes: outcome.changes, outputs: {}, applied: false, imageChoice };
  }
  const { stack } = await openTenantStack(session, target, spec, shared, {}, stored).catch(abandon);
  if (req.dryRun) {
    const outcome = await runEngine({ ...run, title: `previewing ${target.slug} (${target.stack})` }, (o) =>
      stack.preview({ ...o, diff: true, refresh: req.refresh ?? false }),
    );
    return {
      target,
      spec,
      diff,
      changes: outcome.changes,
      outputs: stored?.outputs ?? {},
      applied: false,
      imageChoice,
    };
  }
  const title = `${req.mode === "provision" ? "provisioning" : "updating"} ${target.slug} (${target.stack}) in ${session.backend.url}`;
  return runStackOperation(
    session,
    { ...target, spec, operation: req.mode, retry: req.retry, inspect: () => stack.exportStack() },
    async (step) => {
      const outcome = await step(title, (o) => stack.up({ ...o, refresh: req.refresh ?? false }));
      const outputs = plainOutputs(outcome.result.outputs);
      const counts = outcome.result.summary.resourceChanges ?? {};
      const resourceCount = Object.entries(counts)
        .filter(([op]) => op !== "delete")
        .reduce((sum, [, n]) => sum + n, 0);
      const url = typeof outputs.url === "string" ? outputs.url : undefined;
      return {
        result: { target, spec, diff, changes: outcome.changes, outputs, applied: true, imageChoice },
        url,
        resourceCount,
      };
    },
  );
}
