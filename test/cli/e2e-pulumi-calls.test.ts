/**
 * The exact `pulumi` processes each operation starts (each one costs ~0.5–1 s with the real CLI, and network round
 * trips on an S3 backend), recorded by the stand-in's PULUMI_STANDIN_TRACE_FILE (docs/standin.md). A change that adds
 * a call fails here; one that removes a call updates the list on purpose.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./support/memory-io";
import { e2eEnv, SHARED_UP_DEV, tenantctl } from "./support/e2e";

/** argv → one line; values that change from run to run (ports, temp files, event logs) become "…". */
function callLine(argv: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--non-interactive") continue;
    if (arg === "--event-log" || arg === "--exec-kind") {
      out.push(arg, "…");
      i++;
    } else if (/^--(client|file)=/.test(arg)) out.push(`${arg.split("=")[0] ?? arg}=…`);
    else out.push(arg);
  }
  return out.join(" ");
}

describe("pulumi processes per operation (stand-in trace)", () => {
  const cwd = tempDir("tenantctl-e2e-calls-");
  const backend = join(cwd, "backend");
  mkdirSync(backend);
  const trace = join(cwd, "pulumi-calls.txt");
  const env = e2eEnv(backend, { PULUMI_STANDIN_TRACE_FILE: trace });

  /** Runs tenantctl (exit 0 expected) and returns the pulumi calls it made. */
  async function calls(...args: string[]): Promise<string[]> {
    writeFileSync(trace, "");
    const r = await tenantctl(cwd, env, args);
    expect({ code: r.code, stderr: r.code === 0 ? "" : r.stderr }).toEqual({ code: 0, stderr: "" });
    return readFileSync(trace, "utf8")
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => callLine(JSON.parse(line) as string[]));
  }

  // What the SDK's up() runs after the update itself, for its result: the outputs (plain values only: tenantctl's
  // workspaces read them with one call, cli/orchestration/workspace.ts) and the summary.
  const afterUp = (stack: string) => [
    `stack output --json --show-secrets --stack ${stack}`,
    `stack history --json --show-secrets --page-size 1 --page 1 --stack ${stack}`,
  ];
  // Plain values: one call, not the SDK's masked read first.
  const outputs = (stack: string) => `stack output --json --show-secrets --stack ${stack}`;
  const up = (stack: string) => `up --yes --skip-preview --client=… --exec-kind … --event-log … --stack ${stack}`;

  /** The config the engine's last update ran with, as the stand-in stores it in the checkpoint (from Pulumi.<stack>.yaml). */
  function deployedConfig(project: string, stack: string): unknown {
    const file = join(backend, ".pulumi", "stacks", project, `${stack}.json`);
    return (JSON.parse(readFileSync(file, "utf8")) as { checkpoint: { config?: unknown } }).checkpoint.config;
  }

  it("shared up of a new env: stack init, up (the region set in Pulumi.dev.yaml in-process; up's outputs serve the result)", async () => {
    expect(await calls(...SHARED_UP_DEV, "--json")).toEqual([
      "version",
      "stack init dev",
      up("dev"),
      ...afterUp("dev"),
    ]);
    expect(deployedConfig("tenantctl-shared", "dev")).toMatchObject({ "aws:region": "us-east-1" });
  });

  it("provision of a new tenant: no select of the stack that does not exist yet, no config set", async () => {
    expect(await calls("provision", "tenant", "acme", "--tier", "basic", "--yes", "--json")).toEqual([
      "version",
      outputs("dev"),
      "stack init dev-acme",
      up("dev-acme"),
      ...afterUp("dev-acme"),
    ]);
    expect(deployedConfig("tenantctl-tenants", "dev-acme")).toEqual({ "aws:region": "us-east-1" });
  });

  it("update of an existing tenant: one select, one read of its outputs, no config set (the region is already in Pulumi.dev-acme.yaml)", async () => {
    expect(await calls("update", "tenant", "acme", "--tier", "standard", "--yes", "--json")).toEqual([
      "version",
      outputs("dev"),
      "stack select --stack dev-acme",
      outputs("dev-acme"),
      up("dev-acme"),
      ...afterUp("dev-acme"),
    ]);
  });

  it("status reads the outputs once, masked and plain (it shows them, secret ones masked)", async () => {
    expect(await calls("status", "tenant", "acme", "--json")).toEqual([
      "version",
      "stack select --stack dev-acme",
      "stack output --json --stack dev-acme",
      "stack output --json --show-secrets --stack dev-acme",
      "stack export --stack=dev-acme --file=…",
      "stack history --json --show-secrets --page-size 1 --page 1 --stack dev-acme",
    ]);
  });

  it("teardown selects the tenant's stack once", async () => {
    expect(await calls("teardown", "tenant", "acme", "--yes", "--json")).toEqual([
      "version",
      "stack select --stack dev-acme",
      outputs("dev-acme"),
      outputs("dev"),
      up("dev-acme"),
      ...afterUp("dev-acme"),
      "stack export --stack=dev-acme --file=…",
      "destroy --yes --skip-preview --event-log … --client=… --exec-kind … --stack dev-acme",
      "stack history --json --show-secrets --page-size 1 --page 1 --stack dev-acme",
      "stack rm --yes dev-acme",
    ]);
  });
});
