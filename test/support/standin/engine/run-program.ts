import type { Server } from "@grpc/grpc-js";
import type { ConfigEntry } from "../backend/stack-config";
import type { Deployment } from "./deployment";
import { protos } from "./grpc";
import { engineService, newRpcGate, resourceMonitor } from "./monitor";
import { trace } from "../errors";
import { trackGrpc } from "../command-state";

async function listen(server: Server): Promise<string> {
  const p = protos();
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", p.grpc.ServerCredentials.createInsecure(), (err, port) =>
      err ? reject(err) : resolve(port),
    );
  });
  return `127.0.0.1:${port}`;
}

/** The Engine and ResourceMonitor services of one deployment, on a free loopback port; the program connects to them. */
export async function serveEngine(
  d: Deployment,
  backendRoot: string,
): Promise<{ gate: ReturnType<typeof newRpcGate>; server: Server; address: string }> {
  const p = protos();
  const gate = newRpcGate();
  const server = trackGrpc(new p.grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 }));
  server.addService(p.resourceGrpc.ResourceMonitorService, resourceMonitor(d, backendRoot));
  server.addService(p.engineGrpc.EngineService, engineService(d));
  return { gate, server, address: await listen(server) };
}

export interface ProgramRun {
  client: string;
  project: string;
  stack: string;
  programDir: string;
  main: string;
  config: Record<string, ConfigEntry>;
  dryRun: boolean;
  parallel: number;
  /** `--attach-debugger`: the language host starts the program under a debugger and tells the engine. */
  attachDebugger: boolean;
}

/**
 * Serves the Engine and ResourceMonitor services and asks the Automation API's language host (`--client`) to run
 * the inline program against them. Resolves with the program's error, if any; resource failures are in `d.errors`.
 */
export async function runProgram(d: Deployment, run: ProgramRun, backendRoot: string): Promise<string | undefined> {
  const p = protos();
  const { gate, server, address } = await serveEngine(d, backendRoot);
  const client = trackGrpc(new p.languageGrpc.LanguageRuntimeClient(run.client, p.grpc.credentials.createInsecure()));
  try {
    const req = new p.language.RunRequest();
    req.setProject(run.project);
    req.setStack(run.stack);
    req.setPwd(run.programDir);
    req.setProgram(run.main);
    req.setArgsList([address]);
    const config = req.getConfigMap();
    for (const [k, e] of Object.entries(run.config)) config.set(k, e.value);
    req.setConfigsecretkeysList(
      Object.entries(run.config)
        .filter(([, e]) => e.secret)
        .map(([k]) => k),
    );
    req.setDryrun(run.dryRun);
    req.setParallel(run.parallel);
    req.setMonitorAddress(address);
    req.setOrganization("organization");
    // The Automation API's in-process language host ignores it (the program is a function in the caller's process);
    // the engine passes it all the same.
    req.setAttachDebugger(run.attachDebugger);
    trace(`Run at ${run.client}, monitor ${address}`);
    const ran = new Promise<string | undefined>((resolve) => {
      client.run(req, (err, res) => {
        trace(`Run finished: ${err ? err.message : res.getError() || "ok"}`);
        if (err) resolve(err.details || err.message);
        else resolve(res.getError() || (res.getBail() ? "program bailed" : undefined));
      });
    });
    const outcome = await Promise.race([ran, d.failure.then(() => "a resource operation failed")]);
    await d.settled();
    return outcome;
  } finally {
    await gate.close();
    client.close();
    server.forceShutdown();
  }
}
