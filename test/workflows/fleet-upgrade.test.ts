// fleet-upgrade.yml: one job creates the rollout, a matrix of runner jobs joins it, a last job reports (docs/fleet.md).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { officialSchemaProblems, parseWorkflow, policyProblems } from "./workflow-policy";

const text = readFileSync(join(__dirname, "..", "..", ".github", "workflows", "fleet-upgrade.yml"), "utf8");
const wf = parseWorkflow(text);
const run = (job: string): string => (wf.jobs[job]?.steps ?? []).map((s) => s.run ?? "").join("\n");
const uses = (job: string): string[] =>
  (wf.jobs[job]?.steps ?? []).flatMap((s) => (s.uses === undefined ? [] : [s.uses.split("@")[0] ?? ""]));

beforeAll(() => {
  jest.spyOn(console, "warn").mockImplementation(() => undefined);
});
afterAll(() => jest.restoreAllMocks());

it("is dispatched by hand with the image, the waves and the number of runners", () => {
  expect(Object.keys(wf.on.workflow_dispatch?.inputs ?? {})).toEqual(
    expect.arrayContaining(["image", "waves", "runners", "concurrency", "max_failures", "env", "rollout"]),
  );
  expect(wf.on.workflow_dispatch?.inputs?.["image"]?.required).toBe(true);
  expect(wf.on.push ?? wf.on.pull_request ?? wf.on.schedule).toBeUndefined();
});

it("passes GitHub's schema and the security policy", () => {
  expect(officialSchemaProblems(text)).toEqual([]);
  expect(policyProblems(wf)).toEqual([]);
});

it("queues rollouts of one env and never cancels one", () => {
  expect(wf.concurrency).toEqual({ group: "fleet-upgrade-${{ inputs.env }}", "cancel-in-progress": false });
});

it("creates the rollout with --detach, then runs a matrix of runners that --join it, then reports", () => {
  expect(run("create")).toMatch(/upgrade tenants .*--detach --json/);
  expect(run("create")).toMatch(/echo "runners=.*range\(1; \$n \+ 1\)/);
  const runner = wf.jobs["run"];
  expect(runner?.needs).toBe("create");
  expect(runner?.strategy).toEqual({
    "fail-fast": false,
    matrix: { runner: "${{ fromJSON(needs.create.outputs.runners) }}" },
  });
  expect(run("run")).toMatch(
    /upgrade tenants --env "\$TENANTCTL_ENV" --join "\$ROLLOUT" --concurrency "\$CONCURRENCY" --lease /,
  );
  const report = wf.jobs["report"];
  expect(report?.needs).toEqual(["create", "run"]);
  expect(report?.if).toBe("always() && needs.create.result == 'success'");
  expect(run("report")).toMatch(/--status "\$ROLLOUT"/);
  expect(run("report")).toMatch(/>> "\$GITHUB_STEP_SUMMARY"/);
});

it("logs every job in through OIDC; only runners install the Pulumi CLI", () => {
  for (const job of ["create", "run", "report"]) {
    expect(uses(job)).toContain("aws-actions/configure-aws-credentials");
    expect(wf.jobs[job]?.permissions).toEqual({ "id-token": "write", contents: "read" });
  }
  expect(uses("run")).toContain("pulumi/actions");
  expect(uses("create")).not.toContain("pulumi/actions");
});
