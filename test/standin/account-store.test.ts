import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AwsError } from "../support/standin/aws/aws-error";
import type { CloudResource } from "../support/standin/aws/account-store";
import { breakDeadLock, shardDir, withAccount } from "../support/standin/aws/account-store";
import { invoke } from "../support/standin/aws/invokes";
import type { ResourceCall } from "../support/standin/aws/provider";
import { SimulatedAws } from "../support/standin/aws/provider";
import {
  accountResources,
  advanceAccountClock,
  cloneAccountResources,
  deletedSecrets,
  driftResource,
  listSnapshots,
} from "../support/standin-account";

const ROOT = path.join(__dirname, "..", "..");
const BUILT_STORE = path.join(ROOT, "dist", "test", "support", "standin", "aws", "provider.js");

const ROLE = "aws:iam/role:Role";
const RULE = "aws:lb/listenerRule:ListenerRule";
const ALB_RULE = "aws:alb/listenerRule:ListenerRule";
const LISTENER = "aws:lb/listener:Listener";
const RDS = "aws:rds/instance:Instance";
const SECRET = "aws:secretsmanager/secret:Secret";
const LOGS = "aws:cloudwatch/logGroup:LogGroup";
const LB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shared/0123456789abcdef";
const TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

let backend: string;
beforeEach(() => {
  backend = fs.mkdtempSync(path.join(os.tmpdir(), "standin-account-"));
});
afterEach(() => fs.rmSync(backend, { recursive: true, force: true }));

const cloud = (stack: string): SimulatedAws =>
  new SimulatedAws({ region: "us-east-1", accountId: "123456789012", project: "p", stack }, backend);

function call(type: string, name: string, inputs: ResourceCall["inputs"]): ResourceCall {
  return { urn: `urn:pulumi:s::p::${type}::${name}`, type, name, inputs };
}

/** The AWS error code `fn` fails with (it must fail with an AwsError). */
function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AwsError);
    return /api error (\w+):/.exec((err as Error).message)?.[1] ?? `no code in: ${(err as Error).message}`;
  }
  throw new Error("expected the call to fail");
}

function withEnv<T>(vars: Record<string, string>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

const rule = (listenerArn: string, priority: number, targetGroupArn?: string): ResourceCall["inputs"] => ({
  listenerArn,
  priority,
  conditions: [{ hostHeader: { values: [`t${priority}.example.com`] } }],
  actions: [
    targetGroupArn === undefined
      ? { type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "200" } }
      : { type: "forward", targetGroupArn },
  ],
});

const database = (extra: ResourceCall["inputs"]): ResourceCall["inputs"] => ({
  engine: "postgres",
  instanceClass: "db.t4g.micro",
  allocatedStorage: 20,
  username: "app",
  dbName: "app",
  manageMasterUserPassword: true,
  storageEncrypted: true,
  ...extra,
});

/** A lock directory whose holder has exited, like one a SIGKILLed `pulumi up` leaves. */
function plantDeadLock(lockName: string): void {
  const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  const lock = path.join(shardDir(backend), lockName);
  fs.mkdirSync(lock, { recursive: true });
  fs.writeFileSync(path.join(lock, "pid"), dead.stdout);
}

const shardFiles = (): string[] => fs.readdirSync(shardDir(backend)).sort();

describe("stand-in account store: one shard per resource type", () => {
  it("keeps each canonical type in its own compact file, aliases included, and locks nothing after an operation", () => {
    const a = cloud("a");
    a.create(call(ROLE, "r", { name: "TenantRole", assumeRolePolicy: TRUST }));
    a.create(call(RULE, "one", rule("arn:listener/x", 1)));
    a.create(call(ALB_RULE, "two", rule("arn:listener/x", 2)));
    expect(shardFiles()).toEqual([`type-${encodeURIComponent(ROLE)}.json`, `type-${encodeURIComponent(RULE)}.json`]);
    const rules = fs.readFileSync(path.join(shardDir(backend), `type-${encodeURIComponent(RULE)}.json`), "utf8");
    expect(rules).not.toMatch(/\n/);
    expect((JSON.parse(rules) as CloudResource[]).map((r) => r.type)).toEqual([RULE, ALB_RULE]);
    expect(
      accountResources(backend)
        .map((r) => r.name)
        .sort(),
    ).toEqual(["one", "r", "two"]);
  });

  it("holds listener priorities unique per listener across stacks and type aliases (PriorityInUse)", () => {
    cloud("a").create(call(RULE, "route", rule("arn:listener/x", 10)));
    expect(codeOf(() => cloud("b").create(call(ALB_RULE, "route", rule("arn:listener/x", 10))))).toBe("PriorityInUse");
    cloud("b").create(call(ALB_RULE, "route", rule("arn:listener/y", 10)));
    cloud("c").create(call(RULE, "route", rule("arn:listener/x", 11)));
    expect(
      accountResources(backend)
        .map((r) => r.stack)
        .sort(),
    ).toEqual(["p/a", "p/b", "p/c"]);
  });

  it("holds IAM role names unique case-insensitively, and an update does not collide with itself", () => {
    const made = cloud("a").create(call(ROLE, "r", { name: "TenantRole", assumeRolePolicy: TRUST }));
    expect(codeOf(() => cloud("b").create(call(ROLE, "r", { name: "tenantrole", assumeRolePolicy: TRUST })))).toBe(
      "EntityAlreadyExists",
    );
    cloud("a").update(
      call(ROLE, "r", { name: "TenantRole", assumeRolePolicy: TRUST, description: "changed" }),
      made.id,
    );
    expect(accountResources(backend).map((r) => r.inputs.description)).toEqual(["changed"]);
  });

  it("enforces the RDS quota across stacks and writes nothing for the refused instance", () => {
    withEnv({ PULUMI_STANDIN_QUOTA_RDS_INSTANCES: "2" }, () => {
      cloud("a").create(call(RDS, "db", database({ skipFinalSnapshot: true })));
      cloud("b").create(call(RDS, "db", database({ skipFinalSnapshot: true })));
      expect(codeOf(() => cloud("c").create(call(RDS, "db", database({ skipFinalSnapshot: true }))))).toBe(
        "InstanceQuotaExceeded",
      );
    });
    expect(accountResources(backend).map((r) => r.stack)).toEqual(["p/a", "p/b"]);
  });

  it("counts target groups per load balancer across stacks through the listener's shard", () => {
    const listener = cloud("shared").create(
      call(LISTENER, "http", {
        loadBalancerArn: LB,
        port: 80,
        protocol: "HTTP",
        defaultActions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404" } }],
      }),
    );
    const arn = String(listener.outputs.arn);
    withEnv({ PULUMI_STANDIN_QUOTA_TARGET_GROUPS_PER_ALB: "1" }, () => {
      cloud("t1").create(call(RULE, "route", rule(arn, 1, "arn:tg/one")));
      expect(codeOf(() => cloud("t2").create(call(ALB_RULE, "route", rule(arn, 2, "arn:tg/two"))))).toBe(
        "TooManyTargetGroups",
      );
    });
  });

  it("reserves deleted secret names in the meta shard until the account clock passes the recovery window", () => {
    const a = cloud("a");
    const made = a.create(call(SECRET, "app", { name: "tenants/acme/app", recoveryWindowInDays: 7 }));
    a.delete(SECRET, made.id);
    expect(deletedSecrets(backend).map((s) => s.name)).toEqual(["tenants/acme/app"]);
    expect(
      codeOf(() => cloud("b").create(call(SECRET, "app", { name: "tenants/acme/app", recoveryWindowInDays: 7 }))),
    ).toBe("InvalidRequestException");
    advanceAccountClock(backend, 8);
    cloud("b").create(call(SECRET, "app", { name: "tenants/acme/app", recoveryWindowInDays: 7 }));
  });

  it("records final snapshots, refuses reused ones, restores only from existing ones and answers getSnapshot", () => {
    const a = cloud("a");
    const db = a.create(call(RDS, "db", database({ finalSnapshotIdentifier: "acme-final-1" })));
    a.delete(RDS, db.id);
    expect(listSnapshots(backend).map((s) => s.dbSnapshotIdentifier)).toEqual(["acme-final-1"]);
    const b = cloud("b");
    const other = b.create(call(RDS, "db", database({ finalSnapshotIdentifier: "acme-final-1" })));
    expect(codeOf(() => b.delete(RDS, other.id))).toBe("DBSnapshotAlreadyExists");
    expect(
      codeOf(() =>
        cloud("c").create(call(RDS, "db", database({ skipFinalSnapshot: true, snapshotIdentifier: "nope" }))),
      ),
    ).toBe("DBSnapshotNotFound");
    cloud("d").create(call(RDS, "db", database({ skipFinalSnapshot: true, snapshotIdentifier: "acme-final-1" })));
    const ctx = { region: "us-east-1", accountId: "123456789012", project: "p", stack: "e" };
    expect(
      invoke("aws:rds/getSnapshot:getSnapshot", { dbSnapshotIdentifier: "acme-final-1" }, ctx, backend).dbSnapshotArn,
    ).toMatch(/:snapshot:acme-final-1$/);
  });

  it("refuses, as an internal error, meta fields or resource types outside an operation's scope, writing nothing", () => {
    cloud("a").create(call(ROLE, "r", { name: "TenantRole", assumeRolePolicy: TRUST }));
    const before = fs.readFileSync(path.join(shardDir(backend), `type-${encodeURIComponent(ROLE)}.json`), "utf8");
    const [role] = accountResources(backend);
    expect(() => withAccount(backend, { types: [ROLE] }, (s) => s.snapshots.length)).toThrow(
      /snapshots is outside this operation's scope/,
    );
    expect(() =>
      withAccount(backend, { types: [ROLE] }, (s) => {
        s.resources = [];
        s.resources.push({ ...role, id: "other", type: LOGS });
      }),
    ).toThrow(/outside the shards in scope/);
    expect(() => withAccount(backend, { types: [ROLE] }, () => accountResources(backend))).toThrow(
      /nested withAccount/,
    );
    expect(fs.readFileSync(path.join(shardDir(backend), `type-${encodeURIComponent(ROLE)}.json`), "utf8")).toBe(before);
    expect(shardFiles().filter((f) => f.endsWith(".lock"))).toEqual([]);
  });

  it("test helpers see and change every shard: driftResource edits and deletes across types", () => {
    cloud("a").create(call(LOGS, "logs", { retentionInDays: 7 }));
    cloud("a").create(call(ROLE, "r", { name: "TenantRole", assumeRolePolicy: TRUST }));
    driftResource(backend, { type: LOGS, stack: "p/a" }, { retentionInDays: 30 });
    expect(accountResources(backend).find((r) => r.type === LOGS)?.inputs.retentionInDays).toBe(30);
    driftResource(backend, { type: ROLE, name: "r" }, "delete");
    expect(accountResources(backend).map((r) => r.type)).toEqual([LOGS]);
  });

  it("splits an older stand-in's single account.json into shards once", () => {
    const a = cloud("a");
    a.create(call(LOGS, "logs", { retentionInDays: 7 }));
    const [logs] = accountResources(backend);
    fs.rmSync(shardDir(backend), { recursive: true });
    const legacy = path.join(backend, ".pulumi-standin", "account.json");
    const snapshot = {
      dbSnapshotIdentifier: "old-final",
      dbSnapshotArn: "arn:snap",
      dbInstanceIdentifier: "old",
      engine: "postgres",
      engineVersion: "16",
      allocatedStorage: 20,
      snapshotCreateTime: "2026-01-01T00:00:00.000Z",
      tags: {},
      stack: "p/old",
    };
    fs.writeFileSync(
      legacy,
      JSON.stringify(
        {
          resources: [logs, { ...logs, type: ROLE, id: "role-1" }],
          deletedSecrets: [],
          snapshots: [snapshot],
          clockOffsetMs: 5,
        },
        null,
        2,
      ),
    );
    expect(
      accountResources(backend)
        .map((r) => r.type)
        .sort(),
    ).toEqual([LOGS, ROLE]);
    expect(listSnapshots(backend).map((s) => s.dbSnapshotIdentifier)).toEqual(["old-final"]);
    expect(fs.existsSync(legacy)).toBe(false);
    expect(fs.existsSync(`${legacy}.migrated`)).toBe(true);
    expect(withAccount(backend, (s) => s.clockOffsetMs)).toBe(5);
  });

  it("cloneAccountResources copies a stack's resources for other stacks, with replacements, into their shards", () => {
    const a = cloud("tpl");
    a.create(call(LOGS, "logs", { name: "/tenants/tpl", retentionInDays: 7 }));
    a.create(call(ROLE, "r", { name: "tpl-task", assumeRolePolicy: TRUST }));
    expect(
      cloneAccountResources(
        backend,
        "p/tpl",
        [1, 2].map((i) => ({ stack: `p/c${i}`, replace: [["tpl", `c${i}`]] as [string, string][] })),
      ),
    ).toBe(4);
    const all = accountResources(backend);
    expect(
      all
        .filter((r) => r.type === ROLE)
        .map((r) => `${r.stack} ${r.physicalName}`)
        .sort(),
    ).toEqual(["p/c1 c1-task", "p/c2 c2-task", "p/tpl tpl-task"]);
    expect(codeOf(() => cloud("x").create(call(ROLE, "r", { name: "C2-TASK", assumeRolePolicy: TRUST })))).toBe(
      "EntityAlreadyExists",
    );
  });
});

describe("stand-in account store: taking over a dead holder's lock", () => {
  const lock = (): string => path.join(shardDir(backend), "type-x.lock");
  const holdAs = (pid: number): void => {
    fs.mkdirSync(lock(), { recursive: true });
    fs.writeFileSync(path.join(lock(), "pid"), String(pid));
  };
  const deadPid = (): number =>
    Number(
      spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout,
    );

  it("removes the lock only while the dead holder still holds it", () => {
    const dead = deadPid();
    holdAs(dead);
    breakDeadLock(lock(), dead);
    expect(fs.existsSync(lock())).toBe(false);
    // Another waiter broke it and a live process took the lock since this waiter saw the dead pid: leave it alone.
    holdAs(process.pid);
    breakDeadLock(lock(), dead);
    expect(fs.readFileSync(path.join(lock(), "pid"), "utf8")).toBe(String(process.pid));
    expect(fs.existsSync(`${lock()}.break`)).toBe(false);
  });

  it("lets only one waiter break at a time, and ignores a breaker left behind by a killed process", () => {
    const dead = deadPid();
    holdAs(dead);
    fs.mkdirSync(`${lock()}.break`);
    breakDeadLock(lock(), dead);
    expect(fs.existsSync(lock())).toBe(true);
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(`${lock()}.break`, old, old);
    breakDeadLock(lock(), dead); // removes the stale breaker only
    expect(fs.existsSync(`${lock()}.break`)).toBe(false);
    breakDeadLock(lock(), dead);
    expect(fs.existsSync(lock())).toBe(false);
  });
});

describe("stand-in account store: processes sharing one account", () => {
  // The writers run the compiled store, as the stand-in `pulumi` processes do.
  beforeAll(() => {
    if (!fs.existsSync(BUILT_STORE))
      throw new Error("dist/ is missing: run `npm run build` before these tests (npm test does)");
  });

  /** A child process that runs `body` with `aws` (a SimulatedAws for stack `p/<stack>`) and `store` in scope. */
  function child(stack: string, body: string): Promise<{ code: number | null; stderr: string }> {
    const script = `
      const { SimulatedAws } = require(${JSON.stringify(BUILT_STORE)});
      const store = require(${JSON.stringify(path.join(path.dirname(BUILT_STORE), "account-store.js"))});
      const aws = new SimulatedAws({ region: "us-east-1", accountId: "123456789012", project: "p", stack: ${JSON.stringify(stack)} }, ${JSON.stringify(backend)});
      const call = (type, name, inputs) => ({ urn: "urn:pulumi:s::p::" + type + "::" + name, type, name, inputs });
      ${body}`;
    const proc = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    proc.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    return new Promise((resolve) => proc.on("exit", (code) => resolve({ code, stderr })));
  }

  it("loses no update when writers in several processes share shards, starting behind a dead holder's locks", async () => {
    const WRITERS = 6;
    const EACH = 12;
    // A killed process left the role shard and the meta shard locked: every writer finds it dead at about the same time.
    plantDeadLock(`type-${encodeURIComponent(ROLE)}.lock`);
    plantDeadLock("meta.lock");
    const results = await Promise.all(
      Array.from({ length: WRITERS }, (_, w) =>
        child(
          `w${w}`,
          `
      const trust = ${JSON.stringify(TRUST)};
      for (let i = 0; i < ${EACH}; i++) {
        aws.create(call("${ROLE}", "r" + i, { name: "w${w}-role-" + i, assumeRolePolicy: trust }));
        aws.create(call("${LOGS}", "l" + i, { name: "/w${w}/" + i }));
        const s = aws.create(call("${SECRET}", "s" + i, { name: "w${w}/secret-" + i, recoveryWindowInDays: 7 }));
        aws.delete("${SECRET}", s.id);
      }`,
        ),
      ),
    );
    expect(results).toEqual(Array.from({ length: WRITERS }, () => ({ code: 0, stderr: "" })));
    const all = accountResources(backend);
    expect(all.filter((r) => r.type === ROLE)).toHaveLength(WRITERS * EACH);
    expect(all.filter((r) => r.type === LOGS)).toHaveLength(WRITERS * EACH);
    expect(all.filter((r) => r.type === SECRET)).toHaveLength(0);
    expect(new Set(deletedSecrets(backend).map((s) => s.name)).size).toBe(WRITERS * EACH);
    expect(shardFiles().filter((f) => !f.endsWith(".json"))).toEqual([]);
  });

  it("waits for a live holder (its write is seen afterwards) and takes over a dead holder's lock", async () => {
    const running = child(
      "slow",
      `
      store.withAccount(${JSON.stringify(backend)}, { types: ["${LOGS}"] }, (state) => {
        require("node:fs").writeFileSync(${JSON.stringify(path.join(backend, "holding"))}, "");
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500);
        state.resources.push({ type: "${LOGS}", id: "slow-1", urn: "u", stack: "p/slow", name: "slow", inputs: {}, outputs: {}, seed: "s", createdAt: "" });
      });`,
    );
    while (!fs.existsSync(path.join(backend, "holding"))) await new Promise((r) => setTimeout(r, 20));
    expect(accountResources(backend).map((r) => r.id)).toEqual(["slow-1"]);
    expect(await running).toEqual({ code: 0, stderr: "" });

    plantDeadLock(`type-${encodeURIComponent(LOGS)}.lock`);
    cloud("after").create(call(LOGS, "l", { name: "/after" }));
    expect(accountResources(backend).map((r) => r.id)).toHaveLength(2);
  });
});
