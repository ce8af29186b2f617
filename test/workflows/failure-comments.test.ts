/**
 * Issue 12, item 4: when a preview or infra-diff run fails, its sticky comment says so, with a link to the run, instead
 * of leaving the last good preview link or diff looking current. The `actions/github-script` steps of the workflows are
 * run here as GitHub runs them (an async function of github, context, require, process) against a fake Octokit.
 */
import { join } from "node:path";
import { loadWorkflows, parseWorkflow } from "./workflow-policy";
import type { Step, Workflow } from "./workflow-schema";

const REPO = join(__dirname, "..", "..");
const workflows = new Map(
  loadWorkflows(join(REPO, ".github", "workflows")).map((w) => [w.file, parseWorkflow(w.text)]),
);
const workflow = (file: string): Workflow => {
  const wf = workflows.get(file);
  if (wf === undefined) throw new Error(`${file} is missing`);
  return wf;
};

const BOT = { type: "Bot", login: "github-actions[bot]" };
const context = {
  serverUrl: "https://github.com",
  runId: 4242,
  repo: { owner: "acme", repo: "app" },
  payload: { pull_request: { number: 7 } },
  issue: { number: 7 },
};

function fakeGitHub(existing: { id: number; body: string; user: typeof BOT }[]) {
  const writes: { op: string; args: Record<string, unknown> }[] = [];
  const github = {
    paginate: async () => existing,
    rest: {
      issues: {
        listComments: () => undefined,
        updateComment: async (args: Record<string, unknown>) => {
          writes.push({ op: "update", args });
        },
        createComment: async (args: Record<string, unknown>) => {
          writes.push({ op: "create", args });
          return { data: { id: 99 } };
        },
      },
    },
  };
  return { github, writes };
}

/** Runs a github-script step's script the way actions/github-script does: the body of an async function. */
async function runScript(step: Step, github: unknown, env: Record<string, string>): Promise<void> {
  const script = String(step.with?.["script"]);
  const fakeProcess = { env: { GITHUB_WORKSPACE: REPO, RUNNER_TEMP: "/nonexistent", ...env } };
  // The script text is the workflow's own, under test: built into a function exactly as github-script does.
  const fn = new Function("github", "context", "require", "process", `return (async () => {\n${script}\n})();`) as (
    g: unknown,
    c: unknown,
    r: NodeJS.Require,
    p: unknown,
  ) => Promise<void>;
  await fn(github, context, require, fakeProcess);
}

const failureStep = (wf: Workflow, job: string): Step => {
  const step = wf.jobs[job]?.steps.find((s) => s.if === "failure()");
  if (step === undefined) throw new Error(`${job} has no step that runs on failure`);
  return step;
};

describe.each([
  [
    "infra-diff.yml",
    "diff",
    "infra-diff",
    /^<!-- tenantctl:infra-diff -->\n### Infra diff failed\n\nThe shared stack's diff for `abcdef1` could not be computed, so the diff shown here before \(for an older commit\) was removed: see \[the workflow run\]\(https:\/\/github\.com\/acme\/app\/actions\/runs\/4242\)\.\n$/,
  ],
  [
    "preview.yml",
    "up",
    "preview",
    /^<!-- tenantctl:preview -->\n### Preview failed\n\nThe preview of `abcdef1` did not deploy: see \[the workflow run\]\(https:\/\/github\.com\/acme\/app\/actions\/runs\/4242\)\.\n$/,
  ],
])("%s on failure", (file, job, marker, body) => {
  it("runs its reporting step only when an earlier step failed, after every other step", () => {
    const steps = workflow(file).jobs[job]?.steps ?? [];
    expect(steps.at(-1)).toBe(failureStep(workflow(file), job));
    expect(workflow(file).jobs[job]?.env?.["HEAD_SHA"]).toBe("${{ github.event.pull_request.head.sha }}");
  });

  it("replaces our stale comment with one saying the run failed, linking the run", async () => {
    const { github, writes } = fakeGitHub([
      { id: 3, body: `<!-- tenantctl:${marker} -->\nthe last good one`, user: BOT },
    ]);
    await runScript(failureStep(workflow(file), job), github, { HEAD_SHA: "abcdef1234567890abcdef1234567890abcdef12" });
    expect(writes).toEqual([
      { op: "update", args: expect.objectContaining({ comment_id: 3, body: expect.stringMatching(body) }) },
    ]);
  });

  it("posts the failure when there was no comment yet", async () => {
    const { github, writes } = fakeGitHub([]);
    await runScript(failureStep(workflow(file), job), github, { HEAD_SHA: "abcdef1234567890abcdef1234567890abcdef12" });
    expect(writes).toEqual([
      { op: "create", args: expect.objectContaining({ issue_number: 7, body: expect.stringMatching(body) }) },
    ]);
  });
});
