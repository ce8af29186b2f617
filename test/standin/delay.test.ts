import * as aws from "@pulumi/aws";
import { CommandError } from "@pulumi/pulumi/automation";
import { Faults, parseDelays } from "../support/standin/engine/faults";
import { createStandinWorld, type StandinWorld } from "../support/standin-harness";

const SERVICE = "aws:ecs/service:Service";
const RULE = "aws:lb/listenerRule:ListenerRule";
const ALB_RULE = "aws:alb/listenerRule:ListenerRule";

function faultsWith(raw: string | undefined): Faults {
  const saved = process.env.PULUMI_STANDIN_DELAY_MS;
  if (raw === undefined) delete process.env.PULUMI_STANDIN_DELAY_MS;
  else process.env.PULUMI_STANDIN_DELAY_MS = raw;
  try {
    return new Faults();
  } finally {
    if (saved === undefined) delete process.env.PULUMI_STANDIN_DELAY_MS;
    else process.env.PULUMI_STANDIN_DELAY_MS = saved;
  }
}

describe("PULUMI_STANDIN_DELAY_MS: a default, per-type and per-operation delays", () => {
  it("keeps the plain number form: the same delay for every type; unset or empty is none", () => {
    expect(faultsWith("1500").delayMs(SERVICE)).toBe(1500);
    expect(faultsWith("1500").delayMs("aws:iam/role:Role")).toBe(1500);
    expect(faultsWith(undefined).delayMs(SERVICE)).toBe(0);
    expect(faultsWith("").delayMs(SERVICE)).toBe(0);
  });

  it("overrides the default per type, matched as given or by canonical type", () => {
    const f = faultsWith(`1000, ${SERVICE}=60000 ,${ALB_RULE}=5`);
    expect(f.delayMs(SERVICE)).toBe(60000);
    expect(f.delayMs("aws:ecs/taskDefinition:TaskDefinition")).toBe(1000);
    expect(f.delayMs(RULE)).toBe(5);
    expect(f.delayMs(ALB_RULE)).toBe(5);
    expect(faultsWith(`${RULE}=7`).delayMs(ALB_RULE)).toBe(7);
    expect(faultsWith(`${SERVICE}=7`).delayMs("aws:iam/role:Role")).toBe(0);
    expect(parseDelays(`0,${SERVICE}=2.5`)).toEqual({
      defaultMs: 0,
      byType: new Map([[SERVICE, 2.5]]),
      byTypeOp: new Map(),
    });
  });

  it("takes <type>@<op>=<ms> per operation, most specific first: type@op, then type, then the default", () => {
    const RDS = "aws:rds/instance:Instance";
    const f = faultsWith(`5,${RDS}=2000,${RDS}@create=420000,${RDS}@delete=300000,${ALB_RULE}@read=1`);
    expect(f.delayMs(RDS, "create")).toBe(420000);
    expect(f.delayMs(RDS, "delete")).toBe(300000);
    expect(f.delayMs(RDS, "update")).toBe(2000);
    expect(f.delayMs(RDS)).toBe(2000);
    expect(f.delayMs(SERVICE, "create")).toBe(5);
    expect(f.delayMs(RULE, "read")).toBe(1);
    expect(f.delayMs(RULE, "create")).toBe(5);
    expect(faultsWith(`${RDS}@replace=9`).delayMs(RDS, "replace")).toBe(9);
    expect(faultsWith(`${RDS}@replace=9`).delayMs(RDS, "update")).toBe(0);
  });

  it.each([
    ["-1", "'-1' is not a non-negative number"],
    ["abc", "'abc' is not a non-negative number"],
    ["1,2", "more than one default"],
    ["1,,2", "empty entry"],
    [`${SERVICE}=`, "'' is not a non-negative number"],
    [`${SERVICE}=soon`, "'soon' is not a non-negative number"],
    [`${SERVICE}=-5`, "'-5' is not a non-negative number"],
    ["=5", "'' is not a resource type token"],
    ["service=5", "'service' is not a resource type token"],
    [`${RULE}=1,${ALB_RULE}=2`, `'${ALB_RULE}' given twice`],
    [`${SERVICE}@create=1,${SERVICE}@create=2`, `'${SERVICE}@create' given twice`],
    [`${SERVICE}@boot=1`, "'boot' is not an operation"],
    [`${SERVICE}@=1`, "'' is not an operation"],
    [`@create=1`, "'' is not a resource type token"],
    [`${SERVICE}@delete=-3`, "'-3' is not a non-negative number"],
  ])("refuses %j (%s) in the existing error style", (raw, why) => {
    expect(() => faultsWith(raw)).toThrow(
      `PULUMI_STANDIN_DELAY_MS must be a non-negative number or comma-separated <ms>, <type>=<ms> and <type>@<op>=<ms> entries, op one of create, update, replace, delete, read (${why}), got '${raw}'`,
    );
  });

  it("delays an operation by its type's value (fake timers, no wall-clock assertion)", async () => {
    jest.useFakeTimers();
    try {
      const f = faultsWith(`10,${SERVICE}=60000`);
      let done = false;
      const pending = f.delay(SERVICE).then(() => (done = true));
      await jest.advanceTimersByTimeAsync(59_999);
      expect(done).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      await pending;
      expect(done).toBe(true);
      let other = false;
      const short = f.delay("aws:iam/role:Role").then(() => (other = true));
      await jest.advanceTimersByTimeAsync(10);
      await short;
      expect(other).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});

// Every SDK call spawns the stand-in; on the shared 2-core CI box one operation can take several seconds.
jest.setTimeout(300_000);

describe("PULUMI_STANDIN_DELAY_MS through the stand-in `pulumi`", () => {
  let world: StandinWorld;
  beforeAll(() => {
    world = createStandinWorld();
  });
  afterAll(() => world.cleanup());

  const program = async () => {
    new aws.cloudwatch.LogGroup("logs", { retentionInDays: 7 });
  };

  it("fails an update on a bad value with its error line and changes nothing", async () => {
    const stack = await world.stack("delay", "dev", program);
    stack.workspace.envVars = { ...world.env, PULUMI_STANDIN_DELAY_MS: "aws:ecs/service:Service=fast" };
    const err = await stack.up().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CommandError);
    // The SDK's CommandError quotes stderr more than once; every error line is this one.
    const errorLines = new Set(
      String((err as Error).message)
        .split("\n")
        .filter((l) => l.startsWith("error: ")),
    );
    expect([...errorLines]).toEqual([
      "error: PULUMI_STANDIN_DELAY_MS must be a non-negative number or comma-separated <ms>, <type>=<ms> and <type>@<op>=<ms> entries, op one of create, update, replace, delete, read ('fast' is not a non-negative number), got 'aws:ecs/service:Service=fast'",
    ]);
    stack.workspace.envVars = world.env;
    expect((await stack.exportStack()).deployment.resources ?? []).toEqual([]);
  });

  it("runs an update with per-type delays", async () => {
    const stack = await world.stack("delay", "dev", program);
    stack.workspace.envVars = { ...world.env, PULUMI_STANDIN_DELAY_MS: "1,aws:cloudwatch/logGroup:LogGroup=20" };
    expect((await stack.up()).summary.resourceChanges).toEqual({ create: 2 });
    expect((await stack.destroy()).summary.resourceChanges).toEqual({ delete: 2 });
  });

  it("refuses an unknown operation before touching anything, and runs with per-operation delays", async () => {
    const stack = await world.stack("delay", "ops", program);
    stack.workspace.envVars = { ...world.env, PULUMI_STANDIN_DELAY_MS: "aws:cloudwatch/logGroup:LogGroup@boot=5" };
    const err = await stack.up().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String((err as Error).message)).toContain("('boot' is not an operation)");
    stack.workspace.envVars = world.env;
    expect((await stack.exportStack()).deployment.resources ?? []).toEqual([]);
    stack.workspace.envVars = {
      ...world.env,
      PULUMI_STANDIN_DELAY_MS: "aws:cloudwatch/logGroup:LogGroup@create=30,aws:cloudwatch/logGroup:LogGroup@delete=10",
    };
    expect((await stack.up()).summary.resourceChanges).toEqual({ create: 2 });
    expect((await stack.destroy()).summary.resourceChanges).toEqual({ delete: 2 });
  });
});
