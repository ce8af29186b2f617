import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { synthesize, SynthesisError, type SynthResult } from "../../infra/sim/synth";
import { fixtureProgram, type FixtureOptions } from "./fixture-program";

const CTX = { region: "eu-west-1", accountId: "210987654321" } as const;
const run = (o: Partial<FixtureOptions> = {}, stack = "dev-acme"): Promise<SynthResult> =>
  synthesize(fixtureProgram({ slug: "acme", priority: 10, ...o }), { project: "tenantctl-tenants", stack, ctx: CTX });
const byName = (r: SynthResult, name: string) => {
  const found = r.resources.find((x) => x.name === name && x.custom);
  if (found === undefined) throw new Error(`no resource ${name}`);
  return found;
};

describe("synthesize", () => {
  test("records every resource with parent, protect and auto-name, and resolves stack outputs from the model", async () => {
    const r = await run();
    expect(r.violations).toEqual([]);
    const db = byName(r, "acme-db");
    expect(db.parent).toBe(
      "urn:pulumi:dev-acme::tenantctl-tenants::pulumi:pulumi:Stack$tenantctl:test:Fixture::acme-db",
    );
    expect(db.urn).toBe(
      "urn:pulumi:dev-acme::tenantctl-tenants::tenantctl:test:Fixture$aws:rds/instance:Instance::acme-db",
    );
    expect(db.protect).toBe(true);
    expect(db.physicalName).toMatch(/^acme-db[0-9a-f]{7}$/);
    expect(r.outputs["endpoint"]).toBe(
      `${String(db.physicalName)}.${String(db.outputs["address"]).split(".").slice(1).join(".")}:5432`,
    );
    expect(r.outputs["secretArn"]).toMatch(
      /^arn:aws:secretsmanager:eu-west-1:210987654321:secret:rds!db-[0-9a-f-]{36}-[A-Za-z0-9]{6}$/,
    );
    expect(r.outputs["appSecretArn"]).toMatch(
      /^arn:aws:secretsmanager:eu-west-1:210987654321:secret:acme-app-[0-9a-f]{7}-[A-Za-z0-9]{6}$/,
    );
    expect(r.outputs["tgArn"]).toMatch(
      /^arn:aws:elasticloadbalancing:eu-west-1:210987654321:targetgroup\/acme-tg-[0-9a-f]{7}\/[0-9a-f]{16}$/,
    );
    expect(r.outputs["ruleArn"]).toMatch(
      /:listener-rule\/app\/shared\/0123456789abcdef\/fedcba9876543210\/[0-9a-f]{16}$/,
    );
    expect(r.outputs["roleArn"]).toBe(`arn:aws:iam::210987654321:role/${String(r.outputs["roleName"])}`);
    expect(r.invokes).toEqual([
      "aws:iam/getPolicyDocument:getPolicyDocument",
      "aws:index/getCallerIdentity:getCallerIdentity",
    ]);
  });

  test("awsx components are one opaque resource with the real component's outputs", async () => {
    const r = await run();
    const vpc = r.resources.find((x) => x.type === "awsx:ec2:Vpc");
    expect(vpc?.remote).toBe(true);
    expect(r.outputs["privateSubnetIds"]).toEqual([
      expect.stringMatching(/^subnet-[0-9a-f]{17}$/),
      expect.stringMatching(/^subnet-[0-9a-f]{17}$/),
    ]);
    expect(byName(r, "acme-db-sg").inputs["vpcId"]).toBe(vpc?.id);
  });

  test("provider default tags reach effectiveTags; the trust policy document is rendered as IAM JSON", async () => {
    const r = await run();
    expect(byName(r, "acme-logs").effectiveTags).toEqual({ tenant: "acme", "managed-by": "tenantctl" });
    expect(JSON.parse(String(byName(r, "acme-task").inputs["assumeRolePolicy"]))).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: "sts:AssumeRole",
          Principal: { Service: "ecs-tasks.amazonaws.com" },
          Condition: { StringEquals: { "aws:SourceAccount": "210987654321" } },
        },
      ],
    });
  });

  test("violations name the resource, the rule and AWS's code", async () => {
    const r = await run({
      dbPassword: "hunter2hunter2",
      retentionInDays: 2,
      tgName: "acme-tenant-target-group-with-long-name",
    });
    expect(r.violations.map((v) => [v.name, v.rule, v.code])).toEqual(
      expect.arrayContaining([
        ["acme-db", "rds-password-with-managed", "InvalidParameterCombination"],
        ["acme-logs", "log-group-retention", "InvalidParameterException"],
        ["acme-tg", "tg-name-length", "ValidationError"],
      ]),
    );
  });

  test("same program twice: identical resources; two stacks: disjoint auto-names", async () => {
    const [a, b, other] = [await run(), await run(), await run({ slug: "acme" }, "dev-other")];
    expect(b.resources).toEqual(a.resources);
    const names = (r: SynthResult) => r.resources.map((x) => x.physicalName).filter((n) => n !== undefined);
    expect(names(a).filter((n) => names(other).includes(n))).toEqual([]);
  });

  test("runs are isolated: overlapping runs keep their own stack, config and resources", async () => {
    const results = await Promise.all(["dev-a", "dev-b", "dev-c"].map((stack, i) => run({ priority: i + 1 }, stack)));
    results.forEach((r, i) => {
      expect(new Set(r.resources.map((x) => x.urn.split("::")[0]))).toEqual(
        new Set([`urn:pulumi:${["dev-a", "dev-b", "dev-c"][i]}`]),
      );
    });
  });

  test("an invoke the model does not know fails the run with the token in the message", async () => {
    const program = async () => ({ zones: (await aws.ec2.getInstanceTypes({})).instanceTypes });
    await expect(synthesize(program, { project: "p", stack: "s", ctx: CTX })).rejects.toThrow(
      /no simulation for invoke aws:ec2\/getInstanceTypes:getInstanceTypes/,
    );
  });

  test("a throwing program and pulumi.log.error both fail the run; warnings are returned, not printed", async () => {
    await expect(
      synthesize(
        async () => {
          throw new Error("boom");
        },
        { project: "p", stack: "s", ctx: CTX },
      ),
    ).rejects.toThrow(SynthesisError);
    await expect(
      synthesize(
        async () => {
          await pulumi.log.error("bad config");
          return {};
        },
        { project: "p", stack: "s", ctx: CTX },
      ),
    ).rejects.toThrow(/bad config/);
    const warned = await synthesize(
      async () => {
        await pulumi.log.warn("careful");
        return {};
      },
      { project: "p", stack: "s", ctx: CTX },
    );
    expect(warned.diagnostics).toEqual([{ severity: "warning", message: "careful", urn: undefined }]);
  });

  test("config and preview mode reach the program", async () => {
    const r = await synthesize(
      async () => ({
        region: new pulumi.Config("aws").require("region"),
        name: new pulumi.Config("p").require("name"),
        dry: pulumi.runtime.isDryRun(),
      }),
      { project: "p", stack: "s", ctx: CTX, config: { "p:name": "x" }, preview: true },
    );
    expect(r.outputs).toEqual({ region: "eu-west-1", name: "x", dry: true });
  });
});

describe("synthesize: reads", () => {
  test("Resource.get records the read with the given id", async () => {
    const r = await synthesize(
      async () => ({ arn: aws.ec2.SecurityGroup.get("existing", "sg-0123456789abcdef0").arn }),
      { project: "p", stack: "s", ctx: CTX },
    );
    const sg = r.resources.find((x) => x.name === "existing");
    expect(sg?.id).toBe("sg-0123456789abcdef0");
    expect(r.outputs["arn"]).toMatch(/^arn:aws:ec2:eu-west-1:210987654321:security-group\/sg-/);
  });
});
