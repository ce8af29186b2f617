import { trackGrpc } from "../command-state";
import type { ConfigEntry } from "../backend/stack-config";
import type { Deployment } from "./deployment";
import { protos } from "./grpc";
import { engineService } from "./monitor";
import { PolicyPacks } from "./policy-packs";
import { effectiveLevel, policyEvent } from "./policy-report";
import type { SnapshotManager } from "./snapshot";

/**
 * Starts the `--policy-pack`s of one operation and hands them to its deployment. The packs get the address of an
 * Engine service of their own (every plugin's first argument), and are stopped when the stand-in exits, whichever
 * way the operation ends.
 */
export async function startPolicies(
  d: Deployment,
  dirs: readonly string[],
  configFiles: readonly string[],
  config: Record<string, ConfigEntry>,
): Promise<PolicyPacks | undefined> {
  if (dirs.length === 0) return undefined;
  const p = protos();
  const server = trackGrpc(new p.grpc.Server());
  server.addService(p.engineGrpc.EngineService, engineService(d));
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", p.grpc.ServerCredentials.createInsecure(), (err, n) =>
      err ? reject(err) : resolve(n),
    );
  });
  let packs: PolicyPacks;
  try {
    packs = await PolicyPacks.start(dirs, configFiles, {
      project: d.opts.project,
      stack: d.opts.stack,
      organization: "organization",
      dryRun: d.opts.dryRun,
      config,
      engineAddress: `127.0.0.1:${port}`,
    });
  } catch (err) {
    server.forceShutdown();
    throw err;
  }
  process.on("exit", () => {
    packs.close();
    server.forceShutdown();
  });
  d.opts.policies = packs;
  return packs;
}

/**
 * AnalyzeStack after the steps: every resource of the new state but providers, with its outputs. A mandatory
 * violation fails the operation (the resources were already changed; the engine reports it at the end).
 */
export async function analyzeStack(d: Deployment, packs: PolicyPacks, snapshot: SnapshotManager): Promise<void> {
  const resources = (snapshot.deployment().resources ?? [])
    .filter((r) => !r.type.startsWith("pulumi:providers:") && !r.delete)
    .map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.urn.split("::").pop() ?? "",
      properties: r.outputs,
      parent: r.parent,
      protect: r.protect,
      dependencies: r.dependencies,
    }));
  for (const diag of await packs.analyzeStack(resources)) {
    if (effectiveLevel(diag) === "mandatory") d.mandatoryViolations++;
    d.opts.events.emit(policyEvent(diag.urn, diag));
  }
}
