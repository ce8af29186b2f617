// The workflow checks must fail on broken workflows, or the green run in workflows.test.ts means nothing.
// Each case breaks a copy of the real preview workflow in one way and names the check that has to notice.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  injectionProblems,
  officialSchemaProblems,
  parseWorkflow,
  permissionProblems,
  pinningProblems,
  secretProblems,
} from "./workflow-policy";

const PREVIEW = readFileSync(join(__dirname, "..", "..", ".github", "workflows", "preview.yml"), "utf8");

/** Applies one textual edit, failing loudly if the workflow no longer contains the text the edit targets. */
function broken(find: string | RegExp, replace: string): string {
  const out = PREVIEW.replace(find, replace);
  if (out === PREVIEW) throw new Error(`preview.yml no longer contains ${String(find)}; update this test's edit`);
  return out;
}

beforeAll(() => {
  jest.spyOn(console, "warn").mockImplementation(() => undefined);
});
afterAll(() => jest.restoreAllMocks());

it("the unbroken workflow passes every check", () => {
  const wf = parseWorkflow(PREVIEW);
  expect([...permissionProblems(wf), ...pinningProblems(wf), ...injectionProblems(wf), ...secretProblems(wf)]).toEqual(
    [],
  );
});

it("catches a misspelt key in our subset and in GitHub's schema", () => {
  const text = broken("    steps:\n", "    stepz:\n");
  expect(() => parseWorkflow(text)).toThrow(/unrecognized key|stepz/i);
  expect(officialSchemaProblems(text).join("\n")).toMatch(/stepz/);
});

it("catches YAML that is not a mapping GitHub can read", () => {
  expect(() => parseWorkflow(broken("name: preview\n", "name: preview\nname: again\n"))).toThrow(
    /YAML: .*(duplicate|unique)/i,
  );
  expect(() => parseWorkflow(broken("  up:\n", "  up:\n   bad-indent: [\n"))).toThrow(/YAML/);
});

it("catches a job without timeout, and a step with both uses and run", () => {
  expect(() => parseWorkflow(broken("    timeout-minutes: 60\n", ""))).toThrow(/timeout-minutes/);
  expect(() =>
    parseWorkflow(
      broken("      - uses: actions/checkout@v4\n", "      - uses: actions/checkout@v4\n        run: echo\n"),
    ),
  ).toThrow(/exactly one of/);
});

it("catches missing permissions and an OIDC login without id-token", () => {
  const noPermissions = broken("permissions: {}\n", "").replace(/ {4}permissions:\n( {6}.*\n)+/g, "");
  expect(permissionProblems(parseWorkflow(noPermissions))).toEqual(
    expect.arrayContaining([expect.stringMatching(/^up: no permissions/)]),
  );
  const noIdToken = broken("      id-token: write\n", "");
  expect(permissionProblems(parseWorkflow(noIdToken))).toEqual([
    expect.stringMatching(/OIDC login without id-token write/),
  ]);
});

it("catches a branch name interpolated into a script", () => {
  const text = broken('--branch "$HEAD_REF" --image', "--branch ${{ github.head_ref }} --image");
  expect(injectionProblems(parseWorkflow(text))).toEqual([
    expect.stringMatching(/untrusted input \(script injection\)/),
  ]);
  const title = broken('echo "IMAGE=$image"', 'echo "${{ github.event.pull_request.title }}"');
  expect(injectionProblems(parseWorkflow(title))).toHaveLength(1);
});

it("catches actions that follow a branch instead of a release", () => {
  const text = broken("uses: pulumi/actions@v6", "uses: pulumi/actions@main");
  expect(pinningProblems(parseWorkflow(text))).toEqual(
    expect.arrayContaining([expect.stringMatching(/pulumi\/actions@main is not pinned/)]),
  );
});

it("catches secrets given to a whole job or read by a script", () => {
  const jobWide = broken(
    "      HEAD_SHA: ${{ github.event.pull_request.head.sha }}\n",
    "      HEAD_SHA: ${{ github.event.pull_request.head.sha }}\n      TOKEN: ${{ secrets.PULUMI_CONFIG_PASSPHRASE }}\n",
  );
  expect(secretProblems(parseWorkflow(jobWide))).toEqual([expect.stringMatching(/^up: secrets in job env/)]);
  const echoed = broken('echo "IMAGE=$image"', 'echo "$PULUMI_CONFIG_PASSPHRASE"');
  expect(secretProblems(parseWorkflow(echoed))).toEqual([]);
  const echoedInDeploy = broken(
    "npx tenantctl preview up",
    'echo "$PULUMI_CONFIG_PASSPHRASE"; npx tenantctl preview up',
  );
  expect(secretProblems(parseWorkflow(echoedInDeploy))).toEqual([
    expect.stringMatching(/run reads secret variable PULUMI_CONFIG_PASSPHRASE/),
  ]);
});
