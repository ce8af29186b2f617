// Workflows only run on GitHub, so a typo or an unsafe pattern would surface after merge, in the pull request of
// whoever comes next. Every file is parsed, checked against GitHub's schema and our subset, and held to our policy.
import { join } from "node:path";
import { loadWorkflows, officialSchemaProblems, parseWorkflow, policyProblems } from "./workflow-policy";
import type { Step, Workflow } from "./workflow-schema";

const DIR = join(__dirname, "..", "..", ".github", "workflows");
const workflows = loadWorkflows(DIR);
const byFile = (file: string): Workflow => {
  const found = workflows.find((w) => w.file === file);
  if (found === undefined) throw new Error(`${file} is missing from .github/workflows`);
  return parseWorkflow(found.text);
};
const steps = (wf: Workflow, job: string): Step[] => wf.jobs[job]?.steps ?? [];
const runs = (wf: Workflow, job: string): string =>
  steps(wf, job)
    .map((s) => s.run ?? "")
    .join("\n");
const uses = (wf: Workflow, job: string): string[] =>
  steps(wf, job).flatMap((s) => (s.uses === undefined ? [] : [s.uses.split("@")[0] ?? ""]));

beforeAll(() => {
  // The validator reports that it does not check `paths:` globs; that is known and not a finding.
  const warn = console.warn.bind(console);
  jest.spyOn(console, "warn").mockImplementation((...args: unknown[]) => {
    if (!String(args[0]).startsWith("WARNING: Glob validation")) warn(...args);
  });
});
afterAll(() => jest.restoreAllMocks());

it("has the workflows the previews feature relies on", () => {
  expect(workflows.map((w) => w.file)).toEqual(
    expect.arrayContaining(["ci.yml", "infra-diff.yml", "pool-fill.yml", "preview-gc.yml", "preview.yml"]),
  );
});

describe.each(workflows.map((w) => [w.file, w.text] as const))("%s", (_file, text) => {
  it("is valid YAML in our workflow subset", () => {
    expect(() => parseWorkflow(text)).not.toThrow();
  });
  it("passes GitHub's workflow schema", () => {
    expect(officialSchemaProblems(text)).toEqual([]);
  });
  it("follows the security policy", () => {
    expect(policyProblems(parseWorkflow(text))).toEqual([]);
  });
});

describe("ci.yml", () => {
  const wf = byFile("ci.yml");
  const job = wf.jobs["test"];
  it("tests against a Postgres service with Chromium installed", () => {
    expect(job?.services?.["postgres"]?.image).toMatch(/^postgres:\d+/);
    expect(String(job?.env?.["DATABASE_URL"])).toMatch(/^postgres:\/\/.+@postgres:5432\//);
    expect(runs(wf, "test")).toMatch(/apt-get install .*chromium/);
    expect(runs(wf, "test")).toMatch(/^npm ci\b/m);
    expect(runs(wf, "test")).toMatch(/^npm test$/m);
    expect(steps(wf, "test").find((s) => s.uses?.startsWith("actions/setup-node@"))?.with).toMatchObject({
      "node-version": 20,
      cache: "npm",
    });
  });
});

describe("preview.yml", () => {
  const wf = byFile("preview.yml");
  it("runs on every pull request change and on close", () => {
    expect(wf.on.pull_request?.types).toEqual(["opened", "synchronize", "reopened", "closed"]);
  });
  it("queues runs per branch without cancelling a deploy in progress", () => {
    expect(typeof wf.concurrency === "object" && wf.concurrency.group).toMatch(
      /\$\{\{ github\.event\.pull_request\.head\.ref \}\}/,
    );
    expect(typeof wf.concurrency === "object" && wf.concurrency["cancel-in-progress"]).toBe(false);
  });
  it("deploys with OIDC credentials, an image tagged by commit, and the official Pulumi installer", () => {
    expect(uses(wf, "up")).toEqual(
      expect.arrayContaining([
        "aws-actions/configure-aws-credentials",
        "aws-actions/amazon-ecr-login",
        "pulumi/actions",
      ]),
    );
    const installer = steps(wf, "up").find((s) => s.uses?.startsWith("pulumi/actions@"));
    expect(installer?.with?.["command"]).toBeUndefined();
    expect(wf.jobs["up"]?.env?.["HEAD_SHA"]).toBe("${{ github.event.pull_request.head.sha }}");
    // Built once per commit and deployed by digest (test/workflows/ecr-image.test.ts runs the script).
    expect(runs(wf, "up")).toContain(
      'image="$(.github/scripts/ecr-image.sh "$REGISTRY" "$REPOSITORY" "preview-$HEAD_SHA" app)"',
    );
    expect(runs(wf, "up")).not.toMatch(/docker (build|push)/);
    expect(runs(wf, "up")).toMatch(
      /npx tenantctl preview up --branch "\$HEAD_REF" --image "\$IMAGE".*--format markdown/s,
    );
    expect(wf.jobs["up"]?.env?.["HEAD_REF"]).toBe("${{ github.event.pull_request.head.ref }}");
  });
  it("keeps one sticky comment and tears down on close", () => {
    expect(
      steps(wf, "up")
        .filter((s) => s.uses?.startsWith("actions/github-script@"))
        .map((s) => String(s.with?.["script"])),
    ).toEqual([expect.stringContaining('marker: "preview"'), expect.stringContaining('marker: "preview"')]);
    expect(String(wf.jobs["down"]?.if)).toContain("github.event.action == 'closed'");
    expect(runs(wf, "down")).toContain('npx tenantctl preview down --branch "$HEAD_REF"');
  });
  it("gives fork pull requests no job that needs secrets", () => {
    for (const job of Object.values(wf.jobs))
      expect(String(job.if)).toContain("head.repo.full_name == github.repository");
  });
});

describe("pool-fill.yml", () => {
  it("keeps the warm pool filled on a schedule, one run per env at a time, with the OIDC role of the other workflows", () => {
    const wf = byFile("pool-fill.yml");
    expect(wf.on.schedule?.length).toBeGreaterThan(0);
    expect(wf.on.workflow_dispatch).toBeDefined();
    expect(wf.concurrency).toEqual({
      group: expect.stringMatching(/^pool-fill-/) as unknown,
      "cancel-in-progress": false,
    });
    expect(uses(wf, "fill")).toContain("aws-actions/configure-aws-credentials");
    expect(
      String(
        steps(wf, "fill").find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"))?.with?.[
          "role-to-assume"
        ],
      ),
    ).toContain("vars.AWS_PREVIEW_ROLE_ARN");
    expect(runs(wf, "fill")).toMatch(
      /npx tenantctl pool fill --env "\$TENANTCTL_ENV" --tier "\$tier" --size "\$size" --check --yes/,
    );
  });
});

describe("preview-gc.yml and infra-diff.yml", () => {
  it("collects garbage on a schedule, keeping previews of live branches", () => {
    const wf = byFile("preview-gc.yml");
    expect(wf.on.schedule?.length).toBeGreaterThan(0);
    expect(runs(wf, "gc")).toMatch(/gh api --paginate "repos\/\$REPOSITORY\/branches/);
    expect(runs(wf, "gc")).toMatch(/preview gc --env "\$TENANTCTL_ENV" --keep-branches "\$RUNNER_TEMP\/branches.txt"/);
  });
  it("comments the shared stack's diff on pull requests touching the infrastructure", () => {
    const wf = byFile("infra-diff.yml");
    expect(wf.on.pull_request?.paths).toEqual(expect.arrayContaining(["infra/**", "Pulumi.*.yaml"]));
    expect(runs(wf, "diff")).toMatch(/npx tenantctl shared preview --env "\$TENANTCTL_ENV" --format markdown/);
    expect(
      steps(wf, "diff")
        .filter((s) => s.uses?.startsWith("actions/github-script@"))
        .map((s) => [s.if ?? "success", String(s.with?.["script"]).includes('marker: "infra-diff"')]),
    ).toEqual([
      ["success", true],
      ["failure()", true],
    ]);
  });
});
