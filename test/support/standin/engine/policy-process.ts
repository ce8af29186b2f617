import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { CliError, trace } from "../errors";
import type { ConfigEntry } from "../backend/stack-config";
import { protos } from "./grpc";
import { parseYaml } from "../backend/project";

/**
 * Starting a local Node.js policy pack as pulumi 3.248's plugin host does (`NewPolicyAnalyzer`, legacy path for
 * nodejs): what `pulumi-analyzer-policy` runs — `node <@pulumi/pulumi/cmd/run-policy-pack> <engine address> .` in
 * the pack's directory, with the runtime options as `-<k>=<v>` and the stack's config in PULUMI_CONFIG — then the
 * port the pack prints on its first stdout line is dialled. See
 * sdk/go/common/resource/plugin/analyzer_plugin.go in github.com/pulumi/pulumi.
 */
export interface PackContext {
  project: string;
  stack: string;
  organization: string;
  dryRun: boolean;
  config: Record<string, ConfigEntry>;
  /** The engine's address, the first argument every plugin gets. */
  engineAddress: string;
}

export type AnalyzerClient = InstanceType<typeof analyzerGrpc.AnalyzerClient>;

export interface RunningPack {
  client: AnalyzerClient;
  child: ChildProcess;
  /** PulumiPolicy.yaml's `version`, which wins over the pack's own when set. */
  version: string;
}

interface PolicyProject {
  runtime: string;
  options: Record<string, unknown>;
  version: string;
}

function loadPolicyProject(dir: string): PolicyProject {
  const file = path.join(dir, "PulumiPolicy.yaml");
  let raw: unknown;
  try {
    raw = parseYaml(fs.readFileSync(file, "utf8"));
  } catch (err) {
    const why =
      (err as NodeJS.ErrnoException).code === "ENOENT"
        ? `open ${file}: no such file or directory`
        : (err as Error).message;
    throw new CliError(`failed to load Pulumi policy project located at "${dir}": ${why}`);
  }
  const doc = (raw ?? {}) as { runtime?: unknown; version?: unknown };
  const runtime =
    typeof doc.runtime === "string" ? doc.runtime : ((doc.runtime as { name?: string } | undefined)?.name ?? "");
  const options =
    typeof doc.runtime === "object" && doc.runtime !== null
      ? ((doc.runtime as { options?: Record<string, unknown> }).options ?? {})
      : {};
  if (!runtime)
    throw new CliError(
      `failed to load Pulumi policy project located at "${dir}": project is missing a 'runtime' attribute`,
    );
  return { runtime, options, version: typeof doc.version === "string" ? doc.version : "" };
}

/** Starts one pack and reads the port it prints, as the plugin host does with every plugin. */
export async function startPackProcess(dir: string, ctx: PackContext): Promise<RunningPack> {
  const name = dir;
  const proj = loadPolicyProject(dir);
  if (proj.runtime !== "nodejs") {
    // `pulumi-analyzer-policy-<runtime>` is not on PATH here (no Pulumi installation): the real CLI's answer then.
    throw new CliError(
      `could not start policy pack "${name}" because the built-in analyzer plugin that runs policy plugins is missing. ` +
        "This might occur when the plugin directory is not on your $PATH, or when the installed version of the Pulumi SDK does not support resource policies",
    );
  }
  let runner: string;
  try {
    runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [dir] });
  } catch {
    throw new CliError(
      `it looks like the policy pack's dependencies are not installed; try running npm install or yarn install in "${dir}"`,
    );
  }
  const args = [
    runner,
    ctx.engineAddress,
    ".",
    ...Object.entries(proj.options)
      .filter(([, v]) => `${String(v)}` !== "")
      .map(([k, v]) => `-${k}=${String(v)}`),
  ];
  const config = Object.fromEntries(Object.entries(ctx.config).map(([k, e]) => [k, e.value]));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...(Object.keys(config).length > 0 ? { PULUMI_CONFIG: JSON.stringify(config) } : {}),
    PULUMI_NODEJS_ORGANIZATION: ctx.organization,
    PULUMI_NODEJS_PROJECT: ctx.project,
    PULUMI_NODEJS_STACK: ctx.stack,
    PULUMI_NODEJS_DRY_RUN: String(ctx.dryRun),
    PULUMI_ORGANIZATION: ctx.organization,
    PULUMI_PROJECT: ctx.project,
    PULUMI_STACK: ctx.stack,
    PULUMI_DRY_RUN: String(ctx.dryRun),
  };
  trace(`starting policy pack ${dir}: node ${args.join(" ")}`);
  const child = spawn(process.execPath, args, { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (b: Buffer) => (stderr += b.toString()));
  const port = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (b: Buffer) => {
      out += b.toString();
      const nl = out.indexOf("\n");
      if (nl >= 0) resolve(out.slice(0, nl).trim());
    });
    child.on("error", reject);
    child.on("close", (code) =>
      reject(
        new Error(
          `plugin exited with code ${String(code)} before it printed its port${stderr ? `: ${stderr.trim()}` : ""}`,
        ),
      ),
    );
  }).catch((err: unknown) => {
    throw new CliError(`policy pack "${name}" failed to start: ${(err as Error).message}`);
  });
  if (!/^\d+$/.test(port)) {
    child.kill();
    throw new CliError(`policy pack "${name}" failed to start: could not read plugin [${runner}] port: ${port}`);
  }
  const client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, protos().grpc.credentials.createInsecure(), {
    "grpc.max_receive_message_length": 400 * 1024 * 1024,
  });
  return { client, child, version: proj.version };
}
