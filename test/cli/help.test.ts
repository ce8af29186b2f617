import { runInProcess } from "./support/memory-io";

const LEAVES = [
  ["provision", "tenant"],
  ["update", "tenant"],
  ["teardown", "tenant"],
  ["list", "tenants"],
  ["status", "tenant"],
  ["synth", "tenant"],
  ["shared", "up"],
  ["shared", "preview"],
  ["shared", "down"],
];

describe("--help", () => {
  it("lists every command, the exit codes 0-5 and the environment at the root", async () => {
    const run = await runInProcess(["--help"]);
    expect(run.code).toBe(0);
    for (const verb of ["provision", "update", "teardown", "list", "status", "synth", "shared"])
      expect(run.stdout).toContain(verb);
    for (const code of [0, 1, 2, 3, 4, 5]) expect(run.stdout).toMatch(new RegExp(`^  ${code}  \\S`, "m"));
    expect(run.stdout).toContain("PULUMI_BACKEND_URL");
    expect(run.stderr).toBe("");
  });

  it.each(LEAVES)("%s %s --help shows examples and exit codes", async (verb, noun) => {
    const run = await runInProcess([verb, noun, "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Examples:");
    expect(run.stdout).toContain(`$ tenantctl ${verb} ${noun}`);
    expect(run.stdout).toContain("Exit codes:");
  });

  it("documents --json on every leaf command", async () => {
    for (const [verb, noun] of LEAVES) {
      const run = await runInProcess([verb ?? "", noun ?? "", "--help"]);
      expect(run.stdout).toContain("--json");
    }
  });

  it("prints the package version", async () => {
    const run = await runInProcess(["--version"]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe("usage errors from the parser", () => {
  it.each([
    [["provision", "tenant"], /missing required argument 'slug'/],
    [["provision", "tenant", "acme", "--bogus"], /unknown option '--bogus'/],
    [["provision", "tenant", "acme", "extra"], /too many arguments/],
    [["provision"], /./],
    [["frobnicate"], /unknown command 'frobnicate'/],
    [["list", "tenants", "--env"], /argument missing/],
  ])("%j exits 2 with one line", async (argv, pattern) => {
    const run = await runInProcess(argv);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.errLines.length).toBeGreaterThanOrEqual(1);
    expect(run.stderr).toMatch(pattern);
  });

  it("adds an error document on stdout under --json", async () => {
    const run = await runInProcess(["provision", "tenant", "acme", "--bogus", "--json"]);
    expect(run.code).toBe(2);
    const doc = JSON.parse(run.stdout) as { error: { exitCode: number } };
    expect(doc.error.exitCode).toBe(2);
  });
});
