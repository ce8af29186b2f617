import { tenantNames } from "../../infra/naming";
import { checkAccountUniqueness, type AccountResource } from "../../infra/sim/aws-model";
import { synthesize, type SynthResult } from "../../infra/sim/synth";
import type { TenantSpec } from "../../infra/spec";
import { tenantProgram } from "../../infra/tenant/program";
import { ACCOUNT, sharedStack, type SharedStack } from "./shared-stack";
import { sharedProblems } from "./shared-invariants";
import { generateSpecs } from "./specs";
import { checkIam, checkMasterSecretUnreachable, checkTaskDefinition } from "./tenant-invariants-app";
import {
  checkDatabase,
  checkNetwork,
  checkRouting,
  checkTags,
  isTaggable,
  Problems,
  type TenantRun,
} from "./tenant-invariants";

const TENANTS_PER_ENV = { dev: 170, prod: 40 } as const;

function synthTenant(spec: TenantSpec, shared: SharedStack): Promise<SynthResult> {
  const names = tenantNames(spec);
  return synthesize(tenantProgram(spec, shared.outputs), { project: names.project, stack: names.stack, ctx: ACCOUNT });
}

/** Stable comparison form: URN order, write-only inputs dropped (Pulumi neither stores nor diffs them; a fresh random token each run is by design). */
function comparable(result: SynthResult): unknown {
  return result.resources.map((r) => ({
    ...r,
    inputs: Object.fromEntries(Object.entries(r.inputs).filter(([k]) => !k.endsWith("Wo"))),
  }));
}

const runs: TenantRun[] = [];
const shared: Partial<Record<"dev" | "prod", SharedStack>> = {};

beforeAll(async () => {
  for (const env of ["dev", "prod"] as const) {
    const stack = await sharedStack(env);
    shared[env] = stack;
    for (const spec of generateSpecs(
      TENANTS_PER_ENV[env],
      env,
      stack.outputs.loadBalancers.map((lb) => lb.id),
    )) {
      runs.push({ spec, shared: stack.outputs, result: await synthTenant(spec, stack) });
    }
  }
});

/** Runs one family of invariants over every generated tenant stack and reports every failure at once. */
function everyTenant(check: (run: TenantRun, p: Problems) => void): string[] {
  return runs.flatMap((run) => {
    const p = new Problems(tenantNames(run.spec).stack);
    check(run, p);
    return p.list;
  });
}

describe("shared stacks (committed dev and prod configs)", () => {
  test.each(["dev", "prod"] as const)(
    "%s: no AWS rule broken; TLS 1.2+, 301 redirect, 404 default, header dropping, protection, retention, tags",
    (env) => {
      const stack = shared[env];
      if (stack === undefined) throw new Error(`shared ${env} did not synthesize`);
      expect(sharedProblems(stack)).toEqual([]);
    },
  );
});

describe("tenant stacks (≥200 generated specs)", () => {
  test("cover every tier, tenants and previews, both slug boundaries", () => {
    expect(runs.length).toBeGreaterThanOrEqual(200);
    expect(new Set(runs.map((r) => r.spec.tier))).toEqual(new Set(["basic", "standard", "premium", "preview"]));
    const lengths = runs.map((r) => r.spec.slug.length);
    expect(Math.min(...lengths)).toBe(3);
    expect(Math.max(...lengths)).toBe(21);
    // The tag invariant relies on this reading of the provider's types; make sure it is not vacuous.
    expect([
      isTaggable("aws:rds/instance:Instance"),
      isTaggable("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"),
      isTaggable("aws:iam/rolePolicy:RolePolicy"),
    ]).toEqual([true, true, false]);
  });

  test("break no AWS rule (every resource, after auto-naming)", () => {
    expect(
      runs.flatMap((r) =>
        r.result.violations.map(
          (v) => `${tenantNames(r.spec).stack} ${v.type} ${v.name}: [${v.code}] ${v.rule}: ${v.message}`,
        ),
      ),
    ).toEqual([]);
  });

  test("database: encrypted, private, managed password, copy tags, protection and final snapshot outside previews", () => {
    expect(everyTenant(checkDatabase)).toEqual([]);
  });

  test("network: DB only from the service SG on 5432, service only from the ALB SG, private, no public IP, circuit breaker", () => {
    expect(everyTenant(checkNetwork)).toEqual([]);
  });

  test("routing: one rule on the spec's HTTPS listener, spec priority, exactly <slug>[.preview].<baseDomain>, to its own ip target group", () => {
    expect(everyTenant(checkRouting)).toEqual([]);
  });

  test("task definition: non-root, read-only root fs, stopTimeout ≤120, central awslogs, no credential in the environment", () => {
    expect(everyTenant(checkTaskDefinition)).toEqual([]);
  });

  test("IAM: secret permissions name only this tenant's ARNs; trust requires aws:SourceAccount", () => {
    expect(everyTenant(checkIam)).toEqual([]);
  });

  test("the service never reaches the RDS master secret: it runs with the app role's secret and TLS; only the bootstrap task names the master secret", () => {
    expect(everyTenant(checkMasterSecretUnreachable)).toEqual([]);
  });

  test("tags tenant/env/tier/managed-by on every taggable resource", () => {
    expect(everyTenant(checkTags)).toEqual([]);
  });

  test("two tenants never share a physical name, listener priority or snapshot id in one account", () => {
    const all: AccountResource[] = runs.flatMap((r) =>
      r.result.resources.filter((x) => x.custom).map((x) => ({ ...x, stack: tenantNames(r.spec).stack })),
    );
    expect(checkAccountUniqueness(all).map((v) => `[${v.code}] ${v.message}`)).toEqual([]);
    const owners = new Map<string, string>();
    const clashes: string[] = [];
    for (const r of all.filter((x) => x.physicalName !== undefined)) {
      const key = `${r.type} ${String(r.physicalName).toLowerCase()}`;
      const owner = owners.get(key);
      if (owner !== undefined && owner !== r.stack) clashes.push(`${key}: ${owner} and ${r.stack}`);
      owners.set(key, r.stack);
    }
    expect(clashes).toEqual([]);
  });

  test("the same spec twice yields identical resources", async () => {
    const sample = runs.filter((_, i) => i % 10 === 0);
    for (const run of sample) {
      const stack = shared[run.spec.env as "dev" | "prod"];
      if (stack === undefined) throw new Error(`no shared stack for ${run.spec.env}`);
      expect(comparable(await synthTenant(run.spec, stack))).toEqual(comparable(run.result));
    }
  });
});
