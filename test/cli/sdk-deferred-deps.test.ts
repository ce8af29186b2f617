/**
 * cli/orchestration/sdk-deferred-deps.ts: the Pulumi SDK loaded through tenantctl's door (pulumi-sdk.ts) does not load
 * typescript or @npmcli/arborist, which it needs only for closure serialization, and that serialization still works
 * when used (the stand-ins load the real modules then). Each check runs in a child node process on the built dist/,
 * because jest's own module loader does not go through Node's `Module._load`.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./support/memory-io";
import { e2eEnv, ROOT, SHARED_UP_DEV, tenantctlProcess } from "./support/e2e";

const DOOR = join(ROOT, "dist", "cli", "orchestration", "pulumi-sdk.js");
const SDK_DIR = join(ROOT, "node_modules", "@pulumi", "pulumi");
const PRELOAD = join(__dirname, "fixtures", "report-closure-deps.js");

/** Code for a child process: `loaded()` lists which of the two deferred packages are in require.cache. */
const PRELUDE = `
const { sep } = require("node:path");
const loaded = () => ["typescript", "@npmcli/arborist"].filter((name) =>
  Object.keys(require.cache).some((p) => p.includes(sep + "node_modules" + sep + name.split("/").join(sep) + sep)));
const door = require(${JSON.stringify(DOOR)});
const sdkPath = ${JSON.stringify(SDK_DIR)};
const print = (value) => process.stdout.write(JSON.stringify(value) + "\\n");
`;

/** Runs `code` (after PRELUDE) in a child node process and returns the JSON it printed last. */
function child<T>(code: string, cwd = tempDir("tenantctl-sdk-deps-")): T {
  const res = spawnSync(process.execPath, ["-e", PRELUDE + code], { cwd, encoding: "utf8" });
  if (res.status !== 0) throw new Error(`child exited ${String(res.status)}: ${res.stderr}`);
  const lines = res.stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1] ?? "null") as T;
}

describe("loading the SDK through the door", () => {
  it("the Automation API loads without typescript or @npmcli/arborist", () => {
    const result = child<{ before: string[]; after: string[]; sdk: string[] }>(`
      const before = loaded();
      door.automationSdk().then((sdk) => print({
        before, after: loaded(), sdk: ["LocalWorkspace", "Stack", "PulumiCommand"].map((k) => typeof sdk[k]),
      }));
    `);
    expect(result).toEqual({ before: [], after: [], sdk: ["function", "function", "function"] });
  });

  it("@pulumi/pulumi itself (what the inline programs load) loads without them after beforeSdkLoad()", () => {
    const result = child<{ loaded: string[]; runtime: string }>(`
      door.beforeSdkLoad();
      const pulumi = require(sdkPath);
      print({ loaded: loaded(), runtime: typeof pulumi.runtime.serializeFunction });
    `);
    expect(result).toEqual({ loaded: [], runtime: "function" });
  });
});

describe("the deferred modules still work when the SDK uses them", () => {
  it("runtime.serializeFunction serializes a closure (typescript parses it to find the captured values)", () => {
    const result = child<{ before: string[]; after: string[]; value: number }>(`
      door.beforeSdkLoad();
      const pulumi = require(sdkPath);
      const before = loaded();
      class Counter { constructor(start) { this.start = start; } value() { return this.start + offset; } }
      const offset = 2;
      const instance = new Counter(40);
      pulumi.runtime.serializeFunction(() => instance.value()).then((serialized) => {
        const file = require("node:path").join(process.cwd(), "serialized.js");
        require("node:fs").writeFileSync(file, serialized.text);
        print({ before, after: loaded(), value: require(file).handler() });
      });
    `);
    expect(result).toEqual({ before: [], after: ["typescript"], value: 42 });
  });

  it("runtime.computeCodePaths walks the package tree (@npmcli/arborist) of a project", () => {
    const project = tempDir("tenantctl-codepaths-");
    const pkg = (dir: string, json: object): void => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "package.json"), JSON.stringify(json));
      writeFileSync(join(dir, "index.js"), "module.exports = 1;\n");
    };
    pkg(project, { name: "app", version: "1.0.0", dependencies: { "dep-a": "1.0.0" } });
    pkg(join(project, "node_modules", "dep-a"), {
      name: "dep-a",
      version: "1.0.0",
      dependencies: { "dep-b": "1.0.0" },
    });
    pkg(join(project, "node_modules", "dep-b"), { name: "dep-b", version: "1.0.0" });
    pkg(join(project, "node_modules", "unused"), { name: "unused", version: "1.0.0" });
    const result = child<{ before: string[]; after: string[]; paths: string[] }>(
      `
      door.beforeSdkLoad();
      const pulumi = require(sdkPath);
      const before = loaded();
      pulumi.runtime.computeCodePaths({ extraIncludePackages: [] }).then((paths) =>
        print({ before, after: loaded(), paths: [...paths.keys()].sort() }));
    `,
      project,
    );
    expect(result).toEqual({
      before: [],
      after: ["@npmcli/arborist"],
      paths: ["node_modules/dep-a", "node_modules/dep-b"],
    });
  });

  it("a stand-in behaves as the module: keys, `in`, descriptors, `new`, interop helpers", () => {
    const result = child<Record<string, unknown>>(`
      const { createRequire } = require("node:module");
      door.beforeSdkLoad();
      const fromSdk = createRequire(require("node:path").join(sdkPath, "index.js"));
      const ts = fromSdk("typescript");
      const arb = fromSdk("@npmcli/arborist");
      const again = fromSdk("typescript") === ts; // one stand-in per module while it is not loaded
      const lazy = loaded();
      const fromRoot = createRequire(${JSON.stringify(join(ROOT, "package.json"))});
      const realTs = fromRoot("typescript");
      const RealArborist = fromRoot("@npmcli/arborist");
      const tree = new arb({ path: process.cwd() });
      print({
        lazy,
        esModule: ts.__esModule === true && arb.__esModule === true,
        sameValues: ts.createSourceFile === realTs.createSourceFile && ts.version === realTs.version,
        keys: Object.keys(ts).length === Object.keys(realTs).length && Object.keys(ts).includes("SyntaxKind"),
        has: "SyntaxKind" in ts && !("noSuchExport" in ts),
        descriptor: Object.getOwnPropertyDescriptor(ts, "version").enumerable === true,
        types: [typeof ts, typeof arb],
        construct: tree instanceof RealArborist && arb.Arborist === RealArborist,
        defaults: ts.default === realTs && arb.default === RealArborist,
        again,
      });
    `);
    expect(result).toEqual({
      lazy: [],
      esModule: true,
      sameValues: true,
      keys: true,
      has: true,
      descriptor: true,
      types: ["object", "function"],
      construct: true,
      defaults: true,
      again: true,
    });
  });

  it("is narrow (only requires from inside the SDK) and a no-op once the real module is loaded", () => {
    const result = child<{ standInFirst: boolean; outsideIsReal: boolean; realAfterwards: boolean }>(`
      const { createRequire } = require("node:module");
      const path = require("node:path");
      door.beforeSdkLoad();
      const fromSdk = createRequire(path.join(sdkPath, "index.js"));
      const fromRoot = createRequire(${JSON.stringify(join(ROOT, "package.json"))});
      const standInFirst = fromSdk("typescript").__esModule === true && loaded().length === 0;
      const realTs = fromRoot("typescript");
      const outsideIsReal = realTs.__esModule === undefined && loaded().includes("typescript");
      // typescript is loaded now: the SDK gets the real module, not a stand-in.
      const realAfterwards =
        fromSdk("typescript") === realTs && require(path.join(sdkPath, "typescript-shim.js")) === realTs;
      print({ standInFirst, outsideIsReal, realAfterwards });
    `);
    expect(result).toEqual({ standInFirst: true, outsideIsReal: true, realAfterwards: true });
  });
});

describe("end to end: commands that run the engine load neither", () => {
  const cwd = tempDir("tenantctl-sdk-deps-e2e-");
  const backend = join(cwd, "backend");
  mkdirSync(backend);
  const env = e2eEnv(backend);
  const report = (stderr: string): { sdk: number; deps: string } => {
    const match = /SDK_MODULES=(\d+) CLOSURE_DEPS=(\S+)/.exec(stderr);
    if (match === null) throw new Error(`no module report; stderr: ${stderr}`);
    return { sdk: Number(match[1]), deps: match[2] ?? "" };
  };

  it.each([
    [SHARED_UP_DEV],
    [["provision", "tenant", "acme", "--tier", "basic", "--yes"]],
    [["status", "tenant", "acme", "--json"]],
    [["synth", "tenant", "acme", "--json"]],
  ])("%j", async (args) => {
    const r = await tenantctlProcess(cwd, env, args, ["-r", PRELOAD]);
    expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: 0 });
    const loaded = report(r.stderr);
    expect(loaded.sdk).toBeGreaterThan(0);
    expect(loaded.deps).toBe("[]");
  });
});
