import { runInProcess, tempDir } from "./support/memory-io";
import { readdirSync } from "node:fs";

interface SynthDoc {
  stack: string;
  resources: { type: string; name: string; inputs: Record<string, unknown> }[];
  violations: unknown[];
}

describe("synth tenant", () => {
  it("prints {stack, resources, violations} without a backend or the pulumi CLI", async () => {
    const cwd = tempDir();
    const run = await runInProcess(["synth", "tenant", "acme", "--tier", "premium", "--json"], {
      cwd,
      env: { PATH: "" },
    });
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as SynthDoc;
    expect(Object.keys(doc).sort()).toEqual(["resources", "stack", "violations"]);
    expect(doc.stack).toBe("dev-acme");
    expect(doc.violations).toEqual([]);
    const db = doc.resources.find((r) => r.type === "aws:rds/instance:Instance");
    expect(db?.inputs).toMatchObject({ instanceClass: "db.m7g.large", storageEncrypted: true, multiAz: true });
    const rule = doc.resources.find((r) => r.type === "aws:lb/listenerRule:ListenerRule");
    expect(JSON.stringify(rule?.inputs)).toContain("acme.tenants.example.com");
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("masks secret inputs", async () => {
    const run = await runInProcess(["synth", "tenant", "acme", "--json"]);
    const doc = JSON.parse(run.stdout) as SynthDoc;
    const version = doc.resources.find((r) => r.type === "aws:secretsmanager/secretVersion:SecretVersion");
    const secretKeys = Object.entries(version?.inputs ?? {}).filter(([key]) => /^secretString(Wo)?$/.test(key));
    expect(secretKeys.length).toBeGreaterThan(0);
    for (const [, value] of secretKeys) expect(value).toBe("[secret]");
  });

  it("prints a readable tree with the settings that matter and the monthly cost", async () => {
    const run = await runInProcess(["synth", "tenant", "acme", "--tier", "standard"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/aws:rds\/instance:Instance acme-db .*instanceClass=db\.t4g\.small/);
    expect(run.stdout).toMatch(/priority=\d+ host=acme\.tenants\.example\.com/);
    expect(run.stdout).toMatch(/monthly cost estimate \(standard\): \$\d+\.\d\d/);
  });
});
