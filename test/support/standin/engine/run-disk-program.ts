/**
 * A program on disk (`pulumi up` in a project directory, no `--client`), run as Pulumi's Node.js language host runs
 * it: `node <@pulumi/pulumi>/cmd/run --monitor … --engine … --project … --stack … --pwd <project dir> <main>`, with the
 * stack's config in PULUMI_CONFIG and its secret keys in PULUMI_CONFIG_SECRET_KEYS. `main` is relative to the
 * project directory (Pulumi.yaml's `main`, default the directory itself, whose package.json `main` node resolves).
 * Only `runtime: nodejs` with `typescript: false` (compiled JavaScript) is supported; anything else is refused.
 */
import { trackGrpc } from "../command-state";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { CliError, trace } from "../errors";
import type { Deployment } from "./deployment";
import { protos } from "./grpc";
import { serveEngine, type ProgramRun } from "./run-program";

/**
 * What pulumi-language-nodejs sends the engine once the program runs under the inspector (StartDebugging, the
 * Node.js host's launch configuration: attach by process id, continue on attach).
 */
async function startDebugging(engineAddress: string, pid: number): Promise<void> {
  const p = protos();
  const client = trackGrpc(new p.engineGrpc.EngineClient(engineAddress, p.grpc.credentials.createInsecure()));
  const req = new p.engine.StartDebuggingRequest();
  req.setConfig(
    p.Struct.fromJavaScript({
      name: "Pulumi: Program (Node.js)",
      type: "node",
      request: "attach",
      processId: pid,
      continueOnAttach: true,
      skipFiles: ["<node_internals>/**"],
    }),
  );
  req.setMessage(`on process id ${pid}`);
  try {
    await new Promise<void>((resolve, reject) => client.startDebugging(req, (err) => (err ? reject(err) : resolve())));
  } finally {
    client.close();
  }
}

/** cmd/run's exit code after the program's error was already reported through the engine's Log. */
const EXITED_AFTER_LOGGING = 32;

function checkRuntime(runtime: unknown): void {
  const name = typeof runtime === "string" ? runtime : (runtime as { name?: unknown } | undefined)?.name;
  const options =
    typeof runtime === "object" && runtime !== null
      ? (runtime as { options?: { typescript?: unknown } }).options
      : undefined;
  if (name !== "nodejs")
    throw new CliError(`the tenantctl test stand-in runs only nodejs programs from disk (runtime: ${String(name)})`);
  if (options?.typescript !== false) {
    throw new CliError(
      "the tenantctl test stand-in runs compiled programs only: set runtime.options.typescript: false and point main at the JavaScript",
    );
  }
}

export async function runDiskProgram(
  d: Deployment,
  run: Omit<ProgramRun, "client">,
  runtime: unknown,
  backendRoot: string,
): Promise<string | undefined> {
  checkRuntime(runtime);
  const program = path.resolve(run.programDir, run.main);
  if (!fs.existsSync(program)) throw new CliError(`the program ${program} (Pulumi.yaml main) does not exist`);
  let runner: string;
  try {
    runner = require.resolve("@pulumi/pulumi/cmd/run", { paths: [run.programDir] });
  } catch {
    throw new CliError(
      `It looks like the Pulumi SDK has not been installed. Have you run npm install or yarn install? (in ${run.programDir})`,
    );
  }
  const { gate, server, address } = await serveEngine(d, backendRoot);
  // As pulumi-language-nodejs with AttachDebugger: node waits on its first line for an inspector client. The real
  // host uses the default inspector port 9229; a free port keeps parallel test runs apart.
  const inspect = run.attachDebugger ? ["--inspect-brk=127.0.0.1:0", "--inspect-publish-uid=http"] : [];
  const args = [
    ...inspect,
    runner,
    `--monitor=${address}`,
    `--engine=${address}`,
    `--organization=organization`,
    `--project=${run.project}`,
    `--stack=${run.stack}`,
    `--pwd=${run.programDir}`,
    `--root-directory=${run.programDir}`,
    `--parallel=${run.parallel}`,
    ...(run.dryRun ? ["--dry-run"] : []),
    program,
  ];
  const env = {
    ...process.env,
    PULUMI_CONFIG: JSON.stringify(Object.fromEntries(Object.entries(run.config).map(([k, e]) => [k, e.value]))),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(
      Object.entries(run.config)
        .filter(([, e]) => e.secret)
        .map(([k]) => k),
    ),
  };
  try {
    trace(`running ${program} with ${runner}`);
    const ran = new Promise<string | undefined>((resolve) => {
      const child = spawn(process.execPath, args, { cwd: run.programDir, env, stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stdout.on("data", (b: Buffer) => {
        for (const line of b.toString().split("\n")) if (line.trim() !== "") d.log("info", line, "");
      });
      child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
      child.on("error", (e) => resolve(e.message));
      if (run.attachDebugger && child.pid !== undefined) {
        startDebugging(address, child.pid).catch((err: unknown) => {
          child.kill();
          resolve(`unable to start debugging: ${(err as Error).message}`);
        });
      }
      child.on("close", (code) => {
        trace(`program exited ${String(code)}`);
        if (code === 0) resolve(undefined);
        else if (code === EXITED_AFTER_LOGGING) resolve("the program failed (its error was logged)");
        else resolve(stderr.trim() || `the program exited with code ${String(code)}`);
      });
    });
    const outcome = await Promise.race([ran, d.failure.then(() => "a resource operation failed")]);
    await d.settled();
    return outcome;
  } finally {
    await gate.close();
    server.forceShutdown();
  }
}
