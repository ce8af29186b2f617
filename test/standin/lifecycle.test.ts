import * as fs from "node:fs";
import * as path from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { createStandinWorld, type StandinWorld } from "../support/standin-harness";

const TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

interface Knobs {
  tag: string;
  withSecret: boolean;
  logGroupName?: string;
}

function program(k: Knobs) {
  return async () => {
    const role = new aws.iam.Role("task", { assumeRolePolicy: TRUST, tags: { tier: k.tag } });
    const logs = new aws.cloudwatch.LogGroup("logs", {
      retentionInDays: 7,
      ...(k.logGroupName ? { name: k.logGroupName } : {}),
    });
    const out: Record<string, unknown> = { roleArn: role.arn, logGroup: logs.name, token: pulumi.secret("tok-123") };
    if (k.withSecret) out.secretArn = new aws.secretsmanager.Secret("app", { recoveryWindowInDays: 0 }).arn;
    return out;
  };
}

const kinds = (events: EngineEvent[]): string[] =>
  events.map((e) => Object.keys(e).find((k) => k.endsWith("Event")) ?? "?");

// Every SDK call spawns the stand-in; on the shared 2-core CI box one operation can take several seconds.
jest.setTimeout(300_000);

describe("stand-in pulumi: lifecycle through the real Automation API", () => {
  let world: StandinWorld;
  beforeAll(() => {
    world = createStandinWorld();
  });
  afterAll(() => world.cleanup());

  it("creates, reports outputs and events, diffs changes, deletes removed resources and destroys", async () => {
    const knobs: Knobs = { tag: "basic", withSecret: true };
    const stack = await world.stack("lifecycle", "dev", program(knobs));
    await stack.setAllConfig({ "aws:region": { value: "eu-west-1" }, apiKey: { value: "k-1", secret: true } });

    const events: EngineEvent[] = [];
    const up = await stack.up({ onEvent: (e) => events.push(e) });
    expect(up.summary.result).toBe("succeeded");
    expect(up.summary.resourceChanges).toEqual({ create: 4 });
    expect(up.outputs.roleArn.value).toMatch(/^arn:aws:iam::\d{12}:role\/task-[0-9a-f]{7}$/);
    expect(up.outputs.secretArn.value).toMatch(
      /^arn:aws:secretsmanager:eu-west-1:\d{12}:secret:app-[0-9a-f]{7}-\w{6}$/,
    );
    expect(up.outputs.token).toEqual({ value: "tok-123", secret: true });
    const seen = kinds(events);
    expect(seen[0]).toBe("preludeEvent");
    expect(seen.slice(-2)).toEqual(["summaryEvent", "cancelEvent"]);
    expect(seen.filter((k) => k === "resourcePreEvent")).toHaveLength(4);
    expect(seen.filter((k) => k === "resOutputsEvent")).toHaveLength(4);
    expect(events.find((e) => e.preludeEvent)?.preludeEvent?.config["lifecycle:apiKey"]).toBe("[secret]");
    expect(events.find((e) => e.summaryEvent)?.summaryEvent?.resourceChanges).toEqual({ create: 4 });

    // Nothing changed: all same, and the preview agrees.
    const again = await stack.preview();
    expect(again.changeSummary).toEqual({ same: 4 });

    knobs.tag = "premium";
    const preview = await stack.preview();
    expect(preview.changeSummary).toEqual({ same: 3, update: 1 });
    const upd = await stack.up();
    expect(upd.summary.resourceChanges).toEqual({ same: 3, update: 1 });

    // Naming the log group explicitly is a ForceNew change: a replacement with the new name.
    knobs.logGroupName = "/tenants/lifecycle";
    const rep = await stack.up();
    expect(rep.summary.resourceChanges).toEqual({ same: 3, replace: 1 });
    expect(rep.outputs.logGroup.value).toBe("/tenants/lifecycle");

    knobs.withSecret = false;
    const removed = await stack.up();
    expect(removed.summary.resourceChanges).toEqual({ same: 3, delete: 1 });
    expect(removed.outputs.secretArn).toBeUndefined();

    const history = await stack.history();
    expect(history.map((h) => h.kind)).toEqual(["update", "update", "update", "update"]);

    const destroyed = await stack.destroy();
    expect(destroyed.summary.resourceChanges).toEqual({ delete: 3 });
    expect(await stack.outputs()).toEqual({});
  });

  it("never writes a secret in plaintext to the backend or the stack config", async () => {
    const stack = await world.stack("secrets", "dev", async () => ({ pw: pulumi.secret("plaintext-needle-out") }));
    await stack.setConfig("dbPassword", { value: "plaintext-needle-cfg", secret: true });
    await stack.up();
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const f of fs.readdirSync(d)) {
        const p = path.join(d, f);
        if (fs.statSync(p).isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(world.backendDir);
    walk(world.workDir);
    const leaks = files.filter((f) => /plaintext-needle/.test(fs.readFileSync(f, "utf8")));
    expect(leaks).toEqual([]);
    expect((await stack.outputs()).pw).toEqual({ value: "plaintext-needle-out", secret: true });
    expect((await stack.getConfig("dbPassword")).value).toBe("plaintext-needle-cfg");
    expect(fs.existsSync(path.join(world.backendDir, ".pulumi", "stacks", "secrets", "dev.json"))).toBe(true);

    // A work directory that lost Pulumi.dev.yaml recovers config and the encryption salt from the backend.
    fs.rmSync(path.join(world.workDir, "secrets", "Pulumi.dev.yaml"));
    const restored = await stack.refreshConfig();
    expect(restored["secrets:dbPassword"]).toEqual({ value: "plaintext-needle-cfg", secret: true });
    expect((await stack.up()).summary.resourceChanges).toEqual({ same: 1 });
  });
});
