import fc from "fast-check";
import { checkResource, defaultSeed, nameField, physicalName } from "../../infra/sim/aws-model";

const logical = fc.stringMatching(/^[a-z][a-z0-9-]{0,70}[a-z0-9]$/).filter((s) => !s.includes("--"));
const seed = fc.string({ minLength: 1, maxLength: 40 });
const ruleIds = (
  type: string,
  name: string,
  physical: string | undefined,
  inputs: Record<string, unknown> = {},
): string[] => checkResource(type, name, inputs, physical).map((v) => v.rule);

describe("physicalName: Pulumi's auto-names", () => {
  test("most types: logical name, '-', 7 hex, deterministic from the seed", () => {
    fc.assert(
      fc.property(logical, seed, (name, s) => {
        const n = physicalName("aws:iam/role:Role", name, {}, s);
        expect(n).toMatch(new RegExp(`^${name}-[0-9a-f]{7}$`));
        expect(physicalName("aws:iam/role:Role", name, {}, s)).toBe(n);
      }),
    );
  });

  test("RDS instances: lower-cased logical name and 7 hex with no separator", () => {
    fc.assert(
      fc.property(
        logical.map((n) => n.toUpperCase()),
        seed,
        (name, s) => {
          expect(physicalName("aws:rds/instance:Instance", name, {}, s)).toMatch(
            new RegExp(`^${name.toLowerCase()}[0-9a-f]{7}$`),
          );
        },
      ),
    );
  });

  test("different seeds give different suffixes (two stacks never collide by chance here)", () => {
    const names = new Set(
      Array.from({ length: 500 }, (_, i) => physicalName("aws:lb/targetGroup:TargetGroup", "t-tg", {}, `seed-${i}`)),
    );
    expect(names.size).toBe(500);
  });

  test("explicit names win; RDS identifiers are stored lower-case; prefixes get Terraform's 26-digit suffix", () => {
    expect(physicalName("aws:secretsmanager/secret:Secret", "x", { name: "dev/acme/token" }, "s")).toBe(
      "dev/acme/token",
    );
    expect(physicalName("aws:rds/instance:Instance", "x", { identifier: "Acme-DB" }, "s")).toBe("acme-db");
    expect(physicalName("aws:iam/role:Role", "x", { namePrefix: "acme-" }, "s")).toMatch(/^acme-\d{26}$/);
    expect(physicalName("aws:lb/targetGroup:TargetGroup", "x", { namePrefix: "acme-tenant-" }, "s")).toMatch(
      /^acme-tenant-\d{20}$/,
    );
    expect(physicalName("aws:ecs/taskDefinition:TaskDefinition", "x", { family: "tenant-dev-acme" }, "s")).toBe(
      "tenant-dev-acme",
    );
  });

  test("types without a name in AWS get none", () => {
    expect(physicalName("aws:lb/listenerRule:ListenerRule", "rule", {}, "s")).toBeUndefined();
    expect(nameField("aws:rds/instance:Instance")).toBe("identifier");
    expect(nameField("aws:alb/targetGroup:TargetGroup")).toBe("name");
  });

  test("the seed names the stack and the resource", () => {
    expect(defaultSeed("p", "dev-a", "aws:alb/targetGroup:TargetGroup", "a-tg")).toBe(
      "p/dev-a/aws:lb/targetGroup:TargetGroup/a-tg",
    );
  });
});

describe("name limits after auto-naming", () => {
  const limits: [string, number, string][] = [
    ["aws:lb/targetGroup:TargetGroup", 24, "tg-name-length"],
    ["aws:lb/loadBalancer:LoadBalancer", 24, "lb-name-length"],
    ["aws:iam/role:Role", 56, "iam-role-name-length"],
    ["aws:rds/instance:Instance", 56, "rds-identifier-length"],
  ];
  test.each(limits)("%s: a logical name fits iff it is at most %i characters", (type, max, rule) => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: max + 20 }), seed, (length, s) => {
        const name = `a${"b".repeat(length - 1)}`;
        const violated = ruleIds(type, name, physicalName(type, name, { assumeRolePolicy: "{}" }, s), {
          assumeRolePolicy: '{"Statement":[{"Effect":"Allow"}]}',
        }).includes(rule);
        expect(violated).toBe(length > max);
      }),
    );
  });

  test("RDS identifiers: letters first, no '--', no trailing hyphen, only [A-Za-z0-9-]", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 63 }), (id) => {
        const ok = /^[A-Za-z](?!.*--)[A-Za-z0-9-]*$/.test(id) && !id.endsWith("-");
        const rules = ruleIds("aws:rds/instance:Instance", "db", id, {
          manageMasterUserPassword: true,
          skipFinalSnapshot: true,
        });
        expect(rules.some((r) => r.startsWith("rds-identifier"))).toBe(!ok);
      }),
    );
  });

  test("secret names must not end in '-' plus six characters (AWS's ARN suffix)", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z][a-z0-9/]{0,20}$/),
        fc.stringMatching(/^[A-Za-z0-9]{1,9}$/),
        (head, tail) => {
          const rules = ruleIds("aws:secretsmanager/secret:Secret", "s", `${head}-${tail}`);
          expect(rules.includes("secret-name-suffix")).toBe(tail.length === 6);
        },
      ),
    );
  });

  test("the auto-name of a secret (7 hex) never trips the suffix rule", () => {
    fc.assert(
      fc.property(logical, seed, (name, s) => {
        expect(
          ruleIds(
            "aws:secretsmanager/secret:Secret",
            name,
            physicalName("aws:secretsmanager/secret:Secret", name, {}, s),
          ),
        ).not.toContain("secret-name-suffix");
      }),
    );
  });
});
