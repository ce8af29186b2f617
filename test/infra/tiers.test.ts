import {
  costBreakdown,
  FARGATE_MEMORY_BY_CPU,
  monthlyCostUsd,
  PRICE_ASSUMPTIONS,
  TIER_NAMES,
  TIERS,
} from "../../infra/tiers";

describe("tier table", () => {
  it.each(TIER_NAMES)("%s is a valid Fargate size and a valid RDS Postgres shape", (name) => {
    const t = TIERS[name];
    expect(FARGATE_MEMORY_BY_CPU[t.cpu]).toContain(t.memoryMiB);
    expect(t.desiredCount).toBeGreaterThanOrEqual(1);
    expect(t.dbInstanceClass).toMatch(/^db\.[a-z0-9]+\.[a-z0-9]+$/);
    expect(t.storageGiB).toBeGreaterThanOrEqual(20);
    expect(t.maxStorageGiB).toBeGreaterThanOrEqual(t.storageGiB);
    expect(t.backupRetentionDays).toBeLessThanOrEqual(35);
  });

  it("keeps at least a week of backups for every paying tier and at most a day for previews", () => {
    for (const name of ["basic", "standard", "premium"] as const)
      expect(TIERS[name].backupRetentionDays).toBeGreaterThanOrEqual(7);
    expect(TIERS.preview.backupRetentionDays).toBeLessThanOrEqual(1);
  });

  it("grows from basic to premium in every dimension", () => {
    const [basic, standard, premium] = [TIERS.basic, TIERS.standard, TIERS.premium];
    for (const key of ["cpu", "memoryMiB", "desiredCount", "storageGiB", "backupRetentionDays"] as const) {
      expect(basic[key]).toBeLessThan(standard[key]);
      expect(standard[key]).toBeLessThan(premium[key]);
    }
    expect(premium.multiAz).toBe(true);
    expect(TIERS.preview.multiAz).toBe(false);
  });

  it("sizes previews no bigger than basic", () => {
    expect(TIERS.preview.cpu).toBeLessThanOrEqual(TIERS.basic.cpu);
    expect(TIERS.preview.memoryMiB).toBeLessThanOrEqual(TIERS.basic.memoryMiB);
    expect(TIERS.preview.dbInstanceClass).toBe(TIERS.basic.dbInstanceClass);
  });

  it("prices every DB class it uses", () => {
    for (const name of TIER_NAMES)
      expect(PRICE_ASSUMPTIONS.rdsInstanceHour[TIERS[name].dbInstanceClass]).toBeGreaterThan(0);
  });

  it("estimates basic from the stated assumptions", () => {
    // 0.25 vCPU and 0.5 GB of Fargate, a t4g.micro, 20 GiB gp3 and three secrets (master, admin token, app login).
    const expected = (0.25 * 0.04048 + 0.5 * 0.004445) * 730 + 0.016 * 730 + 20 * 0.115 + 3 * 0.4;
    expect(monthlyCostUsd("basic")).toBeCloseTo(expected, 1);
  });

  it("counts the identity secret of a tenant born in the warm pool", () => {
    expect(costBreakdown("basic", { identitySecret: true }).secretsUsd).toBeCloseTo(4 * 0.4, 2);
    expect(costBreakdown("basic", { identitySecret: true }).totalUsd).toBeCloseTo(monthlyCostUsd("basic") + 0.4, 2);
  });

  it("doubles instance and storage for Multi-AZ and orders tiers by cost", () => {
    const premium = costBreakdown("premium");
    expect(premium.databaseUsd).toBeCloseTo(0.168 * 730 * 2, 1);
    expect(premium.storageUsd).toBeCloseTo(100 * 0.115 * 2, 1);
    expect(monthlyCostUsd("basic")).toBeLessThan(monthlyCostUsd("standard"));
    expect(monthlyCostUsd("standard")).toBeLessThan(monthlyCostUsd("premium"));
    const sum = premium.computeUsd + premium.databaseUsd + premium.storageUsd + premium.secretsUsd;
    expect(premium.totalUsd).toBeCloseTo(sum, 1);
  });
});
