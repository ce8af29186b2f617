import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import type * as grpcJs from "@grpc/grpc-js";
import * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { CliError, trace } from "../errors";
import type { ConfigEntry } from "../backend/stack-config";
import { protos } from "./grpc";
import type { PropertyMap } from "./values";
import type { EnforcementLevel, PolicyConfig, PolicyInfo } from "./policy-config";
import { loadPolicyPackConfig, reconcilePolicyConfig } from "./policy-config";

/**
 * Local policy packs (`--policy-pack <dir>`) run as pulumi 3.248 runs a Node.js pack: the legacy
 * `pulumi-analyzer-policy` shim starts `@pulumi/pulumi/cmd/run-policy-pack` with node in the pack's directory, with
 * arguments `<engine address> .` and the stack's config in PULUMI_CONFIG; the pack (@pulumi/policy's PolicyPack)
 * prints its gRPC port and serves pulumirpc.Analyzer. The engine then calls Handshake, ConfigureStack,
 * GetAnalyzerInfo, GetPluginInfo and Configure, then Remediate/Analyze per resource and AnalyzeStack at the end.
 * See sdk/go/common/resource/plugin/analyzer_plugin.go (NewPolicyAnalyzer) in github.com/pulumi/pulumi.
 */
export interface Diagnostic {
  policyName: string;
  policyPackName: string;
  policyPackVersion: string;
  description: string;
  message: string;
  enforcementLevel: EnforcementLevel;
  urn: string;
}

export interface PackContext {
  project: string;
  stack: string;
  organization: string;
  dryRun: boolean;
  config: Record<string, ConfigEntry>;
  /** The engine's address, the first argument every plugin gets. */
  engineAddress: string;
}

/** The resource an Analyze call sees: its checked inputs (Analyze) or its outputs (AnalyzeStack). */
export interface AnalyzedResource {
  urn: string;
  type: string;
  name: string;
  properties: PropertyMap;
  parent?: string;
  protect?: boolean;
  dependencies?: string[];
}

type Client = InstanceType<typeof analyzerGrpc.AnalyzerClient>;

const LEVEL_NAMES: Record<number, EnforcementLevel> = {
  [analyzer.EnforcementLevel.ADVISORY]: "advisory",
  [analyzer.EnforcementLevel.MANDATORY]: "mandatory",
  [analyzer.EnforcementLevel.DISABLED]: "disabled",
  [analyzer.EnforcementLevel.REMEDIATE]: "remediate",
};
const LEVEL_CODES = Object.fromEntries(Object.entries(LEVEL_NAMES).map(([k, v]) => [v, Number(k)])) as Record<EnforcementLevel, number>;

type Unary<Req, Res> = (req: Req, cb: (err: grpcJs.ServiceError | null, res: Res) => void) => unknown;
const call = <Req, Res>(fn: Unary<Req, Res>, req: Req): Promise<Res> =>
  new Promise((resolve, reject) => fn(req, (err, res) => (err ? reject(err) : resolve(res))));
type Empty = InstanceType<ReturnType<typeof protos>["Empty"]>;

const UNIMPLEMENTED = 12;
const isUnimplemented = (err: unknown): boolean => (err as { code?: number }).code === UNIMPLEMENTED;

/** Struct rejects `undefined`; a JSON round trip drops such keys as the engine's property maps would. */
const toStruct = (m: PropertyMap) => protos().Struct.fromJavaScript(JSON.parse(JSON.stringify(m)) as Parameters<ReturnType<typeof protos>["Struct"]["fromJavaScript"]>[0]);

function diagnosticsOf(res: analyzer.AnalyzeResponse, yamlVersion: string): Diagnostic[] {
  return res.getDiagnosticsList().map((d) => ({
    policyName: d.getPolicyname(),
    policyPackName: d.getPolicypackname(),
    // The version from PulumiPolicy.yaml, if set, wins over the diagnostic's (convertDiagnostics).
    policyPackVersion: yamlVersion || d.getPolicypackversion(),
    description: d.getDescription(),
    message: d.getMessage(),
    enforcementLevel: LEVEL_NAMES[d.getEnforcementlevel()] ?? "advisory",
    urn: d.getUrn(),
  }));
}

/** One running pack. */
class PolicyPack {
  name = "";
  version = "";

  constructor(
    readonly dir: string,
    private readonly yamlVersion: string,
    private readonly client: Client,
    private readonly child: ChildProcess,
  ) {}

  async configure(ctx: PackContext, configFile: string | undefined): Promise<void> {
    const hs = new analyzer.AnalyzerHandshakeRequest();
    hs.setEngineAddress(ctx.engineAddress);
    hs.setRootDirectory(this.dir);
    hs.setProgramDirectory(this.dir);
    await call<analyzer.AnalyzerHandshakeRequest, analyzer.AnalyzerHandshakeResponse>(this.client.handshake.bind(this.client), hs).catch((err: unknown) => {
      if (!isUnimplemented(err)) throw err;
    });
    const sc = new analyzer.AnalyzerStackConfigureRequest();
    sc.setStack(ctx.stack);
    sc.setProject(ctx.project);
    sc.setOrganization(ctx.organization);
    sc.setDryRun(ctx.dryRun);
    for (const [k, e] of Object.entries(ctx.config)) sc.getConfigMap().set(k, e.value);
    sc.setConfigSecretKeysList(Object.entries(ctx.config).filter(([, e]) => e.secret).map(([k]) => k));
    await call<analyzer.AnalyzerStackConfigureRequest, analyzer.AnalyzerStackConfigureResponse>(this.client.configureStack.bind(this.client), sc).catch((err: unknown) => {
      if (!isUnimplemented(err)) throw err;
    });
    const info = await call<Empty, analyzer.AnalyzerInfo>(this.client.getAnalyzerInfo.bind(this.client), new (protos().Empty)());
    this.name = info.getName();
    this.version = this.yamlVersion || info.getVersion();
    await call<Empty, unknown>(this.client.getPluginInfo.bind(this.client), new (protos().Empty)());
    if (!info.getSupportsconfig()) return;
    const policies: PolicyInfo[] = info.getPoliciesList().map((p) => {
      const schema = p.getConfigschema();
      return {
        name: p.getName(),
        enforcementLevel: LEVEL_NAMES[p.getEnforcementlevel()] ?? "advisory",
        schema: schema
          ? { properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<string, Record<string, unknown>>, required: schema.getRequiredList() }
          : undefined,
      };
    });
    const initial: Record<string, PolicyConfig> = {};
    info.getInitialconfigMap().forEach((v, k) => {
      initial[k] = { enforcementLevel: LEVEL_NAMES[v.getEnforcementlevel()], properties: v.getProperties()?.toJavaScript() };
    });
    const given = configFile ? loadPolicyPackConfig(configFile) : {};
    const { config, errors } = reconcilePolicyConfig(policies, initial, given);
    if (errors.length > 0) {
      throw new CliError(`validating policy config: ${this.name} ${this.version}  ${errors.join(`\n  `)}`);
    }
    const req = new analyzer.ConfigureAnalyzerRequest();
    for (const [k, c] of Object.entries(config)) {
      const pc = new analyzer.PolicyConfig();
      pc.setEnforcementlevel(LEVEL_CODES[c.enforcementLevel ?? "advisory"]);
      pc.setProperties(toStruct(c.properties ?? {}));
      req.getPolicyconfigMap().set(k, pc);
    }
    await call<analyzer.ConfigureAnalyzerRequest, Empty>(this.client.configure.bind(this.client), req);
  }

  /** Remediations first (their properties replace the inputs), then analysis of the result, as the step generator. */
  async analyze(r: AnalyzedResource): Promise<{ properties: PropertyMap; diagnostics: Diagnostic[] }> {
    const req = (props: PropertyMap): analyzer.AnalyzeRequest => {
      const q = new analyzer.AnalyzeRequest();
      q.setUrn(r.urn);
      q.setType(r.type);
      q.setName(r.name);
      q.setProperties(toStruct(props));
      const o = new analyzer.AnalyzerResourceOptions();
      o.setProtect(r.protect ?? false);
      o.setParent(r.parent ?? "");
      q.setOptions(o);
      return q;
    };
    let properties = r.properties;
    const diagnostics: Diagnostic[] = [];
    const rem = await call<analyzer.AnalyzeRequest, analyzer.RemediateResponse>(this.client.remediate.bind(this.client), req(properties)).catch((err: unknown) => {
      if (isUnimplemented(err)) return undefined;
      throw new Error(`failed to run remediation: ${(err as Error).message}`);
    });
    for (const x of rem?.getRemediationsList() ?? []) {
      if (x.getDiagnostic()) {
        diagnostics.push({
          policyName: x.getPolicyname(), policyPackName: x.getPolicypackname(), policyPackVersion: this.yamlVersion || x.getPolicypackversion(),
          description: x.getDescription(), message: x.getDiagnostic(), enforcementLevel: "advisory", urn: r.urn,
        });
      } else if (x.getProperties()) {
        properties = (x.getProperties()?.toJavaScript() ?? {}) as PropertyMap;
      }
    }
    const res = await call<analyzer.AnalyzeRequest, analyzer.AnalyzeResponse>(this.client.analyze.bind(this.client), req(properties)).catch((err: unknown) => {
      throw new Error(`failed to run policy: ${(err as Error).message}`);
    });
    diagnostics.push(...diagnosticsOf(res, this.yamlVersion));
    return { properties, diagnostics };
  }

  async analyzeStack(resources: readonly AnalyzedResource[]): Promise<Diagnostic[]> {
    const req = new analyzer.AnalyzeStackRequest();
    req.setResourcesList(resources.map((r) => {
      const a = new analyzer.AnalyzerResource();
      a.setUrn(r.urn);
      a.setType(r.type);
      a.setName(r.name);
      a.setProperties(toStruct(r.properties));
      a.setParent(r.parent ?? "");
      a.setDependenciesList(r.dependencies ?? []);
      const o = new analyzer.AnalyzerResourceOptions();
      o.setProtect(r.protect ?? false);
      o.setParent(r.parent ?? "");
      a.setOptions(o);
      return a;
    }));
    const res = await call<analyzer.AnalyzeStackRequest, analyzer.AnalyzeResponse>(this.client.analyzeStack.bind(this.client), req).catch((err: unknown) => {
      if (isUnimplemented(err)) return undefined;
      throw err;
    });
    return res ? diagnosticsOf(res, this.yamlVersion) : [];
  }

  close(): void {
    this.client.close();
    this.child.kill();
  }
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
    raw = YAML.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === "ENOENT" ? `open ${file}: no such file or directory` : (err as Error).message;
    throw new CliError(`failed to load Pulumi policy project located at "${dir}": ${why}`);
  }
  const doc = (raw ?? {}) as { runtime?: unknown; version?: unknown };
  const runtime = typeof doc.runtime === "string" ? doc.runtime : ((doc.runtime as { name?: string } | undefined)?.name ?? "");
  const options = typeof doc.runtime === "object" && doc.runtime !== null ? ((doc.runtime as { options?: Record<string, unknown> }).options ?? {}) : {};
  if (!runtime) throw new CliError(`failed to load Pulumi policy project located at "${dir}": project is missing a 'runtime' attribute`);
  return { runtime, options, version: typeof doc.version === "string" ? doc.version : "" };
}

/** Starts one pack and reads the port it prints, as the plugin host does with every plugin. */
async function startPack(dir: string, ctx: PackContext): Promise<PolicyPack> {
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
    throw new CliError(`it looks like the policy pack's dependencies are not installed; try running npm install or yarn install in "${dir}"`);
  }
  const args = [runner, ctx.engineAddress, ".", ...Object.entries(proj.options).filter(([, v]) => `${String(v)}` !== "").map(([k, v]) => `-${k}=${String(v)}`)];
  const config = Object.fromEntries(Object.entries(ctx.config).map(([k, e]) => [k, e.value]));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...(Object.keys(config).length > 0 ? { PULUMI_CONFIG: JSON.stringify(config) } : {}),
    PULUMI_NODEJS_ORGANIZATION: ctx.organization, PULUMI_NODEJS_PROJECT: ctx.project, PULUMI_NODEJS_STACK: ctx.stack,
    PULUMI_NODEJS_DRY_RUN: String(ctx.dryRun), PULUMI_ORGANIZATION: ctx.organization, PULUMI_PROJECT: ctx.project,
    PULUMI_STACK: ctx.stack, PULUMI_DRY_RUN: String(ctx.dryRun),
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
    child.on("close", (code) => reject(new Error(`plugin exited with code ${String(code)} before it printed its port${stderr ? `: ${stderr.trim()}` : ""}`)));
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
  return new PolicyPack(dir, proj.version, client, child);
}

/** Every `--policy-pack` of one operation, each with its `--policy-pack-config` (paired by position). */
export class PolicyPacks {
  private constructor(readonly packs: PolicyPack[]) {}

  static async start(dirs: readonly string[], configFiles: readonly string[], ctx: PackContext): Promise<PolicyPacks> {
    const packs: PolicyPack[] = [];
    try {
      for (const [i, d] of dirs.entries()) {
        const pack = await startPack(path.resolve(d), ctx);
        packs.push(pack);
        await pack.configure(ctx, configFiles[i]);
      }
    } catch (err) {
      for (const p of packs) p.close();
      throw err;
    }
    return new PolicyPacks(packs);
  }

  get active(): boolean {
    return this.packs.length > 0;
  }

  async analyze(r: AnalyzedResource): Promise<{ properties: PropertyMap; diagnostics: Diagnostic[] }> {
    let properties = r.properties;
    const diagnostics: Diagnostic[] = [];
    for (const p of this.packs) {
      const out = await p.analyze({ ...r, properties });
      properties = out.properties;
      diagnostics.push(...out.diagnostics);
    }
    return { properties, diagnostics };
  }

  async analyzeStack(resources: readonly AnalyzedResource[]): Promise<Diagnostic[]> {
    const out: Diagnostic[] = [];
    for (const p of this.packs) out.push(...(await p.analyzeStack(resources)));
    return out;
  }

  /** The summary event's `policyPacks`: name → version tag prefixed with "v", as 3.248 reports them. */
  versions(): Record<string, string> {
    return Object.fromEntries(this.packs.map((p) => [p.name, `v${p.version}`]));
  }

  /** `local: <dir>` per pack name, for the display's Policies section. */
  locations(): Record<string, string> {
    return Object.fromEntries(this.packs.map((p) => [p.name, p.dir]));
  }

  close(): void {
    for (const p of this.packs) p.close();
  }
}
