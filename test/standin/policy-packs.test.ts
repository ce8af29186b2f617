import * as fs from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { CommandError } from "@pulumi/pulumi/automation";
import { accountResources } from "../support/standin-account";
import { createStandinWorld, type StandinWorld } from "../support/standin-harness";

/** A JavaScript policy pack run for real through @pulumi/policy: RDS storage must be encrypted (mandatory), etc. */
const PACK = path.join(__dirname, "..", "support", "fixtures", "rds-policy-pack");
const RDS = "aws:rds/instance:Instance";

function database(opts: { encrypted: boolean; retention?: number; logGroups?: number }) {
  return async () => {
    new aws.rds.Instance("db", {
      engine: "postgres",
      instanceClass: "db.t4g.micro",
      allocatedStorage: 20,
      username: "app",
      dbName: "app",
      manageMasterUserPassword: true,
      storageEncrypted: opts.encrypted,
      skipFinalSnapshot: true,
      backupRetentionPeriod: opts.retention ?? 7,
    });
    for (let i = 0; i < (opts.logGroups ?? 0); i++) new aws.cloudwatch.LogGroup(`logs-${i}`, { retentionInDays: 7 });
  };
}

async function failure(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CommandError);
  return String((err as Error).message);
}

const policyEvents = (events: EngineEvent[]) =>
  events
    .flatMap((e) => (e.policyEvent ? [e.policyEvent] : []))
    .map((p) => [p.policyName, p.enforcementLevel, p.resourceUrn ?? ""]);

// Every SDK call spawns the stand-in and the pack's node process; on the shared 2-core box that takes seconds.
jest.setTimeout(300_000);

describe("stand-in pulumi: --policy-pack runs a local JavaScript pack through the analyzer protocol", () => {
  let world: StandinWorld;
  let configDir: string;
  beforeAll(() => {
    world = createStandinWorld();
    configDir = fs.mkdtempSync(path.join(world.workDir, "policy-config-"));
  });
  afterAll(() => world.cleanup());

  const configFile = (name: string, body: unknown): string => {
    const file = path.join(configDir, name);
    fs.writeFileSync(file, JSON.stringify(body));
    return file;
  };

  it("preview reports every violation as a policyEvent and fails on a mandatory one; up creates nothing", async () => {
    const stack = await world.stack("policies", "dev", database({ encrypted: false, retention: 1 }));
    const events: EngineEvent[] = [];
    const text = await failure(stack.preview({ policyPacks: [PACK], onEvent: (e) => events.push(e) }));
    const dbUrn = `urn:pulumi:dev::policies::${RDS}::db`;
    expect(policyEvents(events)).toEqual([
      ["rds-storage-encrypted", "mandatory", dbUrn],
      ["rds-backup-retention", "advisory", dbUrn],
    ]);
    const mandatory = events.find((e) => e.policyEvent?.enforcementLevel === "mandatory")?.policyEvent;
    expect(mandatory).toMatchObject({
      policyPackName: "tenantctl-test-policies",
      policyPackVersion: "0.1.0",
      color: "raw",
      message:
        "<{%reset%}>RDS instances must encrypt their storage at rest.\nRDS instance 'db' has storageEncrypted=false; set it to true.<{%reset%}>\n",
    });
    // The preview still planned the step (violations are batched up in a preview).
    expect(events.some((e) => e.resourcePreEvent?.metadata.urn === dbUrn)).toBe(true);
    expect(text).toContain("- [mandatory]  rds-storage-encrypted  (aws:rds/instance:Instance: db)");
    expect(text).toContain("error: preview failed");

    const upEvents: EngineEvent[] = [];
    await failure(stack.up({ policyPacks: [PACK], onEvent: (e) => upEvents.push(e) }));
    expect(upEvents.some((e) => e.resourcePreEvent?.metadata.urn === dbUrn)).toBe(false);
    expect(accountResources(world.backendDir).filter((r) => r.type === RDS && r.stack === "policies/dev")).toEqual([]);
  });

  it("a compliant program updates; advisory and stack-level violations only print; the summary names the pack", async () => {
    const stack = await world.stack("policies", "ok", database({ encrypted: true, retention: 1, logGroups: 2 }));
    const events: EngineEvent[] = [];
    const limit = configFile("max-one-log-group.json", { "log-groups-per-stack": { maximum: 1 } });
    const up = await stack.up({ policyPacks: [PACK], policyPackConfigs: [limit], onEvent: (e) => events.push(e) });
    expect(up.summary.result).toBe("succeeded");
    expect(policyEvents(events)).toEqual([
      ["rds-backup-retention", "advisory", `urn:pulumi:ok::policies::${RDS}::db`],
      ["log-groups-per-stack", "advisory", ""],
    ]);
    expect(events.find((e) => e.summaryEvent)?.summaryEvent?.policyPacks).toEqual({
      "tenantctl-test-policies": "v0.1.0",
    });
    expect(up.stdout).toContain("✅ tenantctl-test-policies@v0.1.0");
    expect(accountResources(world.backendDir).filter((r) => r.type === RDS && r.stack === "policies/ok")).toHaveLength(
      1,
    );
  });

  it("--policy-pack-config sets levels and properties: mandatory made advisory, 'all' disables everything", async () => {
    const stack = await world.stack("policies", "cfg", database({ encrypted: false, retention: 1 }));
    const relaxed = configFile("relaxed.json", {
      "rds-storage-encrypted": "advisory",
      "rds-backup-retention": { minimumDays: 1 },
    });
    const events: EngineEvent[] = [];
    await stack.preview({ policyPacks: [PACK], policyPackConfigs: [relaxed], onEvent: (e) => events.push(e) });
    expect(policyEvents(events).map(([n, l]) => `${n}:${l}`)).toEqual(["rds-storage-encrypted:advisory"]);
    const off: EngineEvent[] = [];
    await stack.preview({
      policyPacks: [PACK],
      policyPackConfigs: [configFile("off.json", { all: "disabled" })],
      onEvent: (e) => off.push(e),
    });
    expect(policyEvents(off)).toEqual([]);
  });

  it("refuses bad pack flags and configs with the real CLI's words, before anything runs", async () => {
    const stack = await world.stack("policies", "bad", database({ encrypted: true }));
    expect(await failure(stack.preview({ policyPackConfigs: [configFile("x.json", {})] }))).toContain(
      'error: "--policy-pack-config" must be specified with "--policy-pack"',
    );
    expect(
      await failure(stack.preview({ policyPacks: [PACK, PACK], policyPackConfigs: [configFile("y.json", {})] })),
    ).toContain('error: the number of "--policy-pack-config" flags must match the number of "--policy-pack" flags');
    const wrongType = configFile("wrong-type.json", { "rds-backup-retention": { minimumDays: "seven" } });
    expect(await failure(stack.preview({ policyPacks: [PACK], policyPackConfigs: [wrongType] }))).toContain(
      "error: validating policy config: tenantctl-test-policies 0.1.0  rds-backup-retention: minimumDays: Invalid type. Expected: integer, given: string",
    );
    const badLevel = configFile("bad-level.json", { "rds-storage-encrypted": "sometimes" });
    expect(await failure(stack.preview({ policyPacks: [PACK], policyPackConfigs: [badLevel] }))).toContain(
      'error: parsing enforcement level for "rds-storage-encrypted": "sometimes" is not a valid enforcement level',
    );
    const notAPack = fs.mkdtempSync(path.join(world.workDir, "not-a-pack-"));
    expect(await failure(stack.preview({ policyPacks: [notAPack] }))).toContain(
      `error: failed to load Pulumi policy project located at "${notAPack}": open ${notAPack}/PulumiPolicy.yaml: no such file or directory`,
    );
    fs.writeFileSync(path.join(notAPack, "PulumiPolicy.yaml"), "runtime: python\n");
    expect(await failure(stack.preview({ policyPacks: [notAPack] }))).toContain(
      `error: could not start policy pack "${notAPack}" because the built-in analyzer plugin that runs policy plugins is missing.`,
    );
    expect(accountResources(world.backendDir).filter((r) => r.stack === "policies/bad")).toEqual([]);
  });
});
