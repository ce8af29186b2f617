import type { ChildProcess } from "node:child_process";
import * as path from "node:path";
import type * as grpcJs from "@grpc/grpc-js";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { CliError } from "../errors";
import { protos } from "./grpc";
import type { AnalyzerClient, PackContext } from "./policy-process";
import { startPackProcess } from "./policy-process";
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

type Client = AnalyzerClient;

const LEVEL_NAMES: Record<number, EnforcementLevel> = {
  [analyzer.EnforcementLevel.ADVISORY]: "advisory",
  [analyzer.EnforcementLevel.MANDATORY]: "mandatory",
  [analyzer.EnforcementLevel.DISABLED]: "disabled",
  [analyzer.EnforcementLevel.REMEDIATE]: "remediate",
};
const LEVEL_CODES = Object.fromEntries(Object.entries(LEVEL_NAMES).map(([k, v]) => [v, Number(k)])) as Record<
  EnforcementLevel,
  number
>;

type Unary<Req, Res> = (req: Req, cb: (err: grpcJs.ServiceError | null, res: Res) => void) => unknown;
const call = <Req, Res>(fn: Unary<Req, Res>, req: Req): Promise<Res> =>
  new Promise((resolve, reject) => fn(req, (err, res) => (err ? reject(err) : resolve(res))));
type Empty = InstanceType<ReturnType<typeof protos>["Empty"]>;

const UNIMPLEMENTED = 12;
const isUnimplemented = (err: unknown): boolean => (err as { code?: number }).code === UNIMPLEMENTED;

/** Struct rejects `undefined`; a JSON round trip drops such keys as the engine's property maps would. */
const toStruct = (m: PropertyMap) =>
  protos().Struct.fromJavaScript(
    JSON.parse(JSON.stringify(m)) as Parameters<ReturnType<typeof protos>["Struct"]["fromJavaScript"]>[0],
  );

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
    await call<analyzer.AnalyzerHandshakeRequest, analyzer.AnalyzerHandshakeResponse>(
      this.client.handshake.bind(this.client),
      hs,
    ).catch((err: unknown) => {
      if (!isUnimplemented(err)) throw err;
    });
    const sc = new analyzer.AnalyzerStackConfigureRequest();
    sc.setStack(ctx.stack);
    sc.setProject(ctx.project);
    sc.setOrganization(ctx.organization);
    sc.setDryRun(ctx.dryRun);
    for (const [k, e] of Object.entries(ctx.config)) sc.getConfigMap().set(k, e.value);
    sc.setConfigSecretKeysList(
      Object.entries(ctx.config)
        .filter(([, e]) => e.secret)
        .map(([k]) => k),
    );
    await call<analyzer.AnalyzerStackConfigureRequest, analyzer.AnalyzerStackConfigureResponse>(
      this.client.configureStack.bind(this.client),
      sc,
    ).catch((err: unknown) => {
      if (!isUnimplemented(err)) throw err;
    });
    const info = await call<Empty, analyzer.AnalyzerInfo>(
      this.client.getAnalyzerInfo.bind(this.client),
      new (protos().Empty)(),
    );
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
          ? {
              properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<string, Record<string, unknown>>,
              required: schema.getRequiredList(),
            }
          : undefined,
      };
    });
    const initial: Record<string, PolicyConfig> = {};
    info.getInitialconfigMap().forEach((v, k) => {
      initial[k] = {
        enforcementLevel: LEVEL_NAMES[v.getEnforcementlevel()],
        properties: v.getProperties()?.toJavaScript(),
      };
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
    const rem = await call<analyzer.AnalyzeRequest, analyzer.RemediateResponse>(
      this.client.remediate.bind(this.client),
      req(properties),
    ).catch((err: unknown) => {
      if (isUnimplemented(err)) return undefined;
      throw new Error(`failed to run remediation: ${(err as Error).message}`);
    });
    for (const x of rem?.getRemediationsList() ?? []) {
      if (x.getDiagnostic()) {
        diagnostics.push({
          policyName: x.getPolicyname(),
          policyPackName: x.getPolicypackname(),
          policyPackVersion: this.yamlVersion || x.getPolicypackversion(),
          description: x.getDescription(),
          message: x.getDiagnostic(),
          enforcementLevel: "advisory",
          urn: r.urn,
        });
      } else if (x.getProperties()) {
        properties = (x.getProperties()?.toJavaScript() ?? {}) as PropertyMap;
      }
    }
    const res = await call<analyzer.AnalyzeRequest, analyzer.AnalyzeResponse>(
      this.client.analyze.bind(this.client),
      req(properties),
    ).catch((err: unknown) => {
      throw new Error(`failed to run policy: ${(err as Error).message}`);
    });
    diagnostics.push(...diagnosticsOf(res, this.yamlVersion));
    return { properties, diagnostics };
  }

  async analyzeStack(resources: readonly AnalyzedResource[]): Promise<Diagnostic[]> {
    const req = new analyzer.AnalyzeStackRequest();
    req.setResourcesList(
      resources.map((r) => {
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
      }),
    );
    const res = await call<analyzer.AnalyzeStackRequest, analyzer.AnalyzeResponse>(
      this.client.analyzeStack.bind(this.client),
      req,
    ).catch((err: unknown) => {
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

/** Every `--policy-pack` of one operation, each with its `--policy-pack-config` (paired by position). */
export class PolicyPacks {
  private constructor(readonly packs: PolicyPack[]) {}

  static async start(dirs: readonly string[], configFiles: readonly string[], ctx: PackContext): Promise<PolicyPacks> {
    const packs: PolicyPack[] = [];
    try {
      for (const [i, d] of dirs.entries()) {
        const dir = path.resolve(d);
        const { client, child, version } = await startPackProcess(dir, ctx);
        const pack = new PolicyPack(dir, version, client, child);
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
