import * as aws from "@pulumi/aws";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { CommandError } from "@pulumi/pulumi/automation";
import { createStandinWorld, type StandinWorld } from "../support/standin-harness";
import { advanceAccountClock, driftResource, listSnapshots } from "../support/standin-account";

const LISTENER =
  "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shared/0123456789abcdef/fedcba9876543210";

function rule(priority: number, host: string) {
  return async () => {
    const r = new aws.lb.ListenerRule("route", {
      listenerArn: LISTENER,
      priority,
      conditions: [{ hostHeader: { values: [host] } }],
      actions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "200" } }],
    });
    return { arn: r.arn };
  };
}

function database(opts: { protect: boolean; finalSnapshot?: string; restoreFrom?: string }) {
  return async () => {
    const db = new aws.rds.Instance("db", {
      engine: "postgres",
      instanceClass: "db.t4g.micro",
      allocatedStorage: 20,
      username: "app",
      dbName: "app",
      manageMasterUserPassword: true,
      storageEncrypted: true,
      deletionProtection: opts.protect,
      ...(opts.finalSnapshot ? { finalSnapshotIdentifier: opts.finalSnapshot } : { skipFinalSnapshot: true }),
      ...(opts.restoreFrom ? { snapshotIdentifier: opts.restoreFrom } : {}),
    });
    return { endpoint: db.endpoint, secretArn: db.masterUserSecrets.apply((s) => s?.[0]?.secretArn) };
  };
}

/** The AWS error code of a failed operation, from its error diagnostic as the SDK receives it. */
async function failureCode(run: (onEvent: (e: EngineEvent) => void) => Promise<unknown>): Promise<string | undefined> {
  const events: EngineEvent[] = [];
  const err = await run((e) => events.push(e)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CommandError);
  const message = events.find((e) => e.diagnosticEvent?.severity === "error")?.diagnosticEvent?.message ?? "";
  return /api error (\w+):/.exec(message)?.[1];
}

// Every SDK call spawns the stand-in; on the shared 2-core CI box one operation can take several seconds.
jest.setTimeout(300_000);

describe("stand-in pulumi: the simulated AWS account across stacks", () => {
  let world: StandinWorld;
  beforeAll(() => {
    world = createStandinWorld();
  });
  afterAll(() => world.cleanup());

  it("rejects a listener priority another stack holds with PriorityInUse", async () => {
    const a = await world.stack("tenants", "dev-acme", rule(10, "acme.example.com"));
    await a.up();
    const b = await world.stack("tenants", "dev-beta", rule(10, "beta.example.com"));
    expect(await failureCode((onEvent) => b.up({ onEvent }))).toBe("PriorityInUse");
    const c = await world.stack("tenants", "dev-gamma", rule(11, "gamma.example.com"));
    expect((await c.up()).summary.resourceChanges).toEqual({ create: 2 });
  });

  it("holds IAM role names unique case-insensitively", async () => {
    const role = (name: string) => async () => {
      new aws.iam.Role("r", {
        name,
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
      });
    };
    await (await world.stack("roles", "one", role("TenantRole"))).up();
    const two = await world.stack("roles", "two", role("tenantrole"));
    expect(await failureCode((onEvent) => two.up({ onEvent }))).toBe("EntityAlreadyExists");
  });

  it("refresh detects drift made behind the program's back, and up restores the program's intent", async () => {
    const stack = await world.stack("drift", "dev", async () => {
      new aws.cloudwatch.LogGroup("logs", { retentionInDays: 7 });
    });
    await stack.up();
    driftResource(
      world.backendDir,
      { type: "aws:cloudwatch/logGroup:LogGroup", name: "logs", stack: "drift/dev" },
      { retentionInDays: 30 },
    );
    const refreshed = await stack.refresh();
    expect(refreshed.summary.resourceChanges).toEqual({ same: 1, update: 1 });
    expect((await stack.preview()).changeSummary).toEqual({ same: 1, update: 1 });
    await stack.up();
    expect((await stack.refresh()).summary.resourceChanges).toEqual({ same: 2 });
    driftResource(world.backendDir, { type: "aws:cloudwatch/logGroup:LogGroup", stack: "drift/dev" }, "delete");
    expect((await stack.refresh()).summary.resourceChanges).toEqual({ same: 1, delete: 1 });
  });

  it("keeps deletion-protected databases, records final snapshots, refuses reused ones and restores from them", async () => {
    const settings = { protect: true, finalSnapshot: "acme-final-1" };
    const acme = await world.stack("dbs", "acme", database(settings));
    const up = await acme.up();
    expect(up.outputs.endpoint.value).toMatch(/^db[0-9a-f]{7}\..+\.rds\.amazonaws\.com:5432$/);
    expect(up.outputs.secretArn.value).toMatch(/^arn:aws:secretsmanager:us-east-1:\d{12}:secret:rds!db-/);
    expect(await failureCode((onEvent) => acme.destroy({ onEvent }))).toBe("InvalidParameterCombination");
    settings.protect = false;
    await acme.up();
    await acme.destroy();
    expect(listSnapshots(world.backendDir).map((s) => s.dbSnapshotIdentifier)).toEqual(["acme-final-1"]);

    const beta = await world.stack("dbs", "beta", database({ protect: false, finalSnapshot: "acme-final-1" }));
    await beta.up();
    expect(await failureCode((onEvent) => beta.destroy({ onEvent }))).toBe("DBSnapshotAlreadyExists");

    const restored = await world.stack(
      "dbs",
      "acme-restored",
      database({ protect: false, restoreFrom: "acme-final-1" }),
    );
    await restored.up();
    const missing = await world.stack("dbs", "nowhere", database({ protect: false, restoreFrom: "no-such-snapshot" }));
    expect(await failureCode((onEvent) => missing.up({ onEvent }))).toBe("DBSnapshotNotFound");
  });

  it("reserves a deleted secret's name for its recovery window; force delete frees it", async () => {
    const secret = (name: string, window: number) => async () => {
      new aws.secretsmanager.Secret("app", { name, recoveryWindowInDays: window });
    };
    const first = await world.stack("secrets", "first", secret("tenants/acme/app", 7));
    await first.up();
    await first.destroy();
    const second = await world.stack("secrets", "second", secret("tenants/acme/app", 7));
    expect(await failureCode((onEvent) => second.up({ onEvent }))).toBe("InvalidRequestException");
    advanceAccountClock(world.backendDir, 8);
    await second.up();

    const forced = await world.stack("secrets", "forced", secret("tenants/beta/app", 0));
    await forced.up();
    await forced.destroy();
    await (await world.stack("secrets", "again", secret("tenants/beta/app", 0))).up();
  });

  it("enforces the RDS instance quota across stacks (overridable by environment)", async () => {
    const one = await world.stack("quota", "one", database({ protect: false }));
    one.workspace.envVars = { ...world.env, PULUMI_STANDIN_QUOTA_RDS_INSTANCES: "2" };
    // acme-restored and beta from the previous test still hold two instances in this account.
    expect(await failureCode((onEvent) => one.up({ onEvent }))).toBe("InstanceQuotaExceeded");
  });

  it("counts target groups per load balancer across stacks when the listener is in the account", async () => {
    const LB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shared-alb/0123456789abcdef";
    const shared = await world.stack("alb", "shared", async () => {
      const listener = new aws.lb.Listener("http", {
        loadBalancerArn: LB,
        port: 80,
        protocol: "HTTP",
        defaultActions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404" } }],
      });
      return { listenerArn: listener.arn };
    });
    const listenerArn = String((await shared.up()).outputs.listenerArn.value);
    const tenant = (priority: number) => async () => {
      const tg = new aws.lb.TargetGroup("tg", {
        port: 8080,
        protocol: "HTTP",
        targetType: "ip",
        vpcId: "vpc-0123456789abcdef0",
      });
      new aws.lb.ListenerRule("route", {
        listenerArn,
        priority,
        conditions: [{ hostHeader: { values: [`t${priority}.example.com`] } }],
        actions: [{ type: "forward", targetGroupArn: tg.arn }],
      });
    };
    const env = { ...world.env, PULUMI_STANDIN_QUOTA_TARGET_GROUPS_PER_ALB: "1" };
    const first = await world.stack("alb", "t1", tenant(1));
    first.workspace.envVars = env;
    await first.up();
    const second = await world.stack("alb", "t2", tenant(2));
    second.workspace.envVars = env;
    expect(await failureCode((onEvent) => second.up({ onEvent }))).toBe("TooManyTargetGroups");
  });
});
