import {
  ENV_MAX_LENGTH,
  NAME_LIMITS,
  SLUG_MAX_LENGTH,
  SLUG_MIN_LENGTH,
  tenantNames,
  type NamingInput,
  type TenantNames,
} from "../../infra/naming";

const shortest = "a".repeat(SLUG_MIN_LENGTH);
const longest = `z${"9".repeat(SLUG_MAX_LENGTH - 2)}z`;
const preview = { branch: "feature/x", expiresAt: "2026-12-01T00:00:00Z" };
const inputs: readonly (readonly [string, NamingInput])[] = [
  ["shortest tenant", { slug: shortest, env: "dev", preview: undefined, generation: 1 }],
  ["longest tenant", { slug: longest, env: "e".repeat(ENV_MAX_LENGTH), preview: undefined, generation: 999 }],
  ["shortest preview", { slug: shortest, env: "dev", preview, generation: 1 }],
  ["longest preview", { slug: longest, env: "e".repeat(ENV_MAX_LENGTH), preview, generation: 999 }],
];

/** The worst case of Pulumi's auto-name: 7 hex digits that could all be letters. */
const AUTO_HEX = "abcdef0";

function physical(name: string, autoNameSuffix: number): string {
  if (autoNameSuffix === 0) return name;
  return autoNameSuffix === 7 ? `${name}${AUTO_HEX}` : `${name}-${AUTO_HEX}`;
}

describe.each(inputs)("names of the %s", (_label, input) => {
  const names = tenantNames(input);

  it.each(NAME_LIMITS.map((l) => [l.name, l] as const))("%s fits its AWS limit after auto-naming", (_n, limit) => {
    const name = names[limit.name];
    if (name === undefined) return;
    expect(physical(name, limit.autoNameSuffix).length).toBeLessThanOrEqual(limit.max);
  });

  it("gives the RDS instance an identifier RDS accepts", () => {
    const id = physical(names.dbInstance, 7).toLowerCase();
    expect(id).toMatch(/^[a-z][a-z0-9-]*[a-z0-9]$/);
    expect(id).not.toContain("--");
  });

  it("gives the target group an ELBv2 name", () => {
    expect(physical(names.targetGroup, 8)).toMatch(/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/);
  });

  it("gives IAM names only IAM's characters", () => {
    for (const n of [names.executionRole, names.taskRole, names.taskRoleSecretsPolicy]) {
      expect(physical(n, 8)).toMatch(/^[\w+=,.@-]+$/);
    }
  });

  it("never ends a secret name in '-' + 6 characters, which Secrets Manager reads as an ARN suffix", () => {
    expect(physical(names.adminTokenSecret, 8)).not.toMatch(/-[A-Za-z0-9]{6}$/);
    expect(physical(names.adminTokenSecret, 8)).toMatch(/^[A-Za-z0-9/_+=.@-]+$/);
  });

  it("never starts a security group name with sg-", () => {
    expect(names.dbSecurityGroup.startsWith("sg-")).toBe(false);
    expect(names.serviceSecurityGroup.startsWith("sg-")).toBe(false);
  });

  it("gives ECS a family of letters, digits, hyphens and underscores", () => {
    expect(names.taskFamily).toMatch(/^[A-Za-z0-9_-]{1,255}$/);
  });

  it("takes a final snapshot only for tenants, with a valid unique identifier", () => {
    if (input.preview === undefined) {
      expect(names.finalSnapshotIdentifier).toMatch(/^[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]$/);
      expect(names.finalSnapshotIdentifier).toContain(input.env);
      expect(names.finalSnapshotIdentifier).toContain(input.slug);
    } else {
      expect(names.finalSnapshotIdentifier).toBeUndefined();
    }
  });

  it("starts every child name with the component's name", () => {
    const children = (Object.keys(names) as (keyof TenantNames)[]).filter(
      (k) =>
        ![
          "project",
          "stack",
          "component",
          "label",
          "dnsLabel",
          "finalSnapshotIdentifier",
          "taskFamily",
          "bootstrapTaskFamily",
          "logStreamPrefix",
        ].includes(k),
    );
    for (const key of children) expect(names[key]).toMatch(new RegExp(`^${names.component}-`));
  });

  it("gives no two resources of the stack the same logical name", () => {
    const logical = Object.entries(names)
      .filter(
        ([k]) =>
          ![
            "project",
            "stack",
            "component",
            "label",
            "dnsLabel",
            "finalSnapshotIdentifier",
            "taskFamily",
            "logStreamPrefix",
          ].includes(k),
      )
      .map(([, v]) => v);
    expect(new Set(logical).size).toBe(logical.length);
  });
});

describe("names across stacks", () => {
  it("keeps the explicit names of a tenant and a preview with the same slug and env apart", () => {
    const tenant = tenantNames({ slug: "acme", env: "dev", preview: undefined, generation: 1 });
    const prev = tenantNames({ slug: "acme", env: "dev", preview, generation: 1 });
    expect(tenant.taskFamily).not.toBe(prev.taskFamily);
    expect(tenant.logStreamPrefix).not.toBe(prev.logStreamPrefix);
    expect(tenant.project).not.toBe(prev.project);
  });

  it("gives each generation of a tenant its own final snapshot, so re-onboarding cannot collide", () => {
    const first = tenantNames({ slug: "acme", env: "prod", preview: undefined, generation: 1 });
    const second = tenantNames({ slug: "acme", env: "prod", preview: undefined, generation: 2 });
    expect(first.finalSnapshotIdentifier).not.toBe(second.finalSnapshotIdentifier);
  });

  it("keeps envs apart in every explicit name", () => {
    const dev = tenantNames({ slug: "acme", env: "dev", preview: undefined, generation: 1 });
    const prod = tenantNames({ slug: "acme", env: "prod", preview: undefined, generation: 1 });
    expect(dev.stack).not.toBe(prod.stack);
    expect(dev.taskFamily).not.toBe(prod.taskFamily);
    expect(dev.finalSnapshotIdentifier).not.toBe(prod.finalSnapshotIdentifier);
  });
});
