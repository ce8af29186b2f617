/**
 * Issue 12, item 4: `.github/scripts/ecr-image.sh` (preview.yml's build step) against fakes of `aws` and `docker`
 * that keep an ECR repository with IMMUTABLE tags: pushing a tag that exists is refused, as ECR refuses it with
 * ImageTagAlreadyExistsException (AWS ECR user guide, "Preventing image tags from being overwritten").
 */
import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

const SCRIPT = join(__dirname, "..", "..", ".github", "scripts", "ecr-image.sh");
const REGISTRY = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
const TAG = "preview-3f2a1c9d0b8e7f6a5c4d3e2f1a0b9c8d7e6f5a4b";

// The repository is a folder: one file per tag holding its digest. Every call is logged.
const FAKE_AWS = `#!/usr/bin/env bash
echo "aws $*" >> "$FAKE_ECR/calls.log"
if [ -n "\${FAKE_AWS_ERROR:-}" ]; then echo "An error occurred ($FAKE_AWS_ERROR) when calling the DescribeImages operation" >&2; exit 254; fi
tag=""; for a in "$@"; do case "$a" in imageTag=*) tag="\${a#imageTag=}";; esac; done
if [ -f "$FAKE_ECR/tags/$tag" ]; then cat "$FAKE_ECR/tags/$tag"; echo; exit 0; fi
echo "An error occurred (ImageNotFoundException) when calling the DescribeImages operation: The image with imageId {imageTag:'$tag'} does not exist within the repository" >&2
exit 254
`;
const FAKE_DOCKER = `#!/usr/bin/env bash
echo "docker $*" >> "$FAKE_ECR/calls.log"
case "$1" in
  build)
    # A rebuild with --pull gives other bytes: a new digest each time.
    head -c 32 /dev/urandom | sha256sum | cut -d' ' -f1 > "$FAKE_ECR/built"
    if [ -n "\${FAKE_RACE_DIGEST:-}" ]; then echo "$FAKE_RACE_DIGEST" > "$FAKE_ECR/tags/\${FAKE_RACE_TAG}"; fi ;;
  push)
    tag="\${2##*:}"
    if [ -f "$FAKE_ECR/tags/$tag" ]; then
      echo "tag invalid: The image tag '$tag' already exists in the 'app' repository and cannot be overwritten because the repository is immutable." >&2
      exit 1
    fi
    echo "sha256:$(cat "$FAKE_ECR/built")" > "$FAKE_ECR/tags/$tag" ;;
esac
`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function fakeEcr() {
  const dir = mkdtempSync(join(tmpdir(), "tenantctl-ecr-"));
  mkdirSync(join(dir, "tags"));
  mkdirSync(join(dir, "bin"));
  writeFileSync(join(dir, "bin", "aws"), FAKE_AWS);
  writeFileSync(join(dir, "bin", "docker"), FAKE_DOCKER);
  chmodSync(join(dir, "bin", "aws"), 0o755);
  chmodSync(join(dir, "bin", "docker"), 0o755);
  const run = (env: NodeJS.ProcessEnv = {}, args = [REGISTRY, "app", TAG, "app"]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        SCRIPT,
        args,
        { env: { PATH: `${join(dir, "bin")}${delimiter}${process.env.PATH ?? ""}`, FAKE_ECR: dir, ...env } },
        (error, stdout, stderr) => {
          resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr });
        },
      );
    });
  const calls = (): string[] =>
    existsSync(join(dir, "calls.log")) ? readFileSync(join(dir, "calls.log"), "utf8").trim().split("\n") : [];
  const digest = (tag = TAG): string => readFileSync(join(dir, "tags", tag), "utf8").trim();
  return { dir, run, calls, digest, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

let ecr: ReturnType<typeof fakeEcr>;
beforeEach(() => {
  ecr = fakeEcr();
});
afterEach(() => ecr.cleanup());

it("builds and pushes a commit's image once and prints it by digest", async () => {
  const run = await ecr.run();
  expect(run.code).toBe(0);
  expect(ecr.calls().filter((c) => c.startsWith("docker"))).toEqual([
    `docker build --pull --tag ${REGISTRY}/app:${TAG} app`,
    `docker push ${REGISTRY}/app:${TAG}`,
  ]);
  expect(run.stdout).toBe(`${REGISTRY}/app@${ecr.digest()}\n`);
  expect(ecr.digest()).toMatch(/^sha256:[0-9a-f]{64}$/);
});

it("on a re-run or a reopened pull request reuses the pushed image: no rebuild, no second push, same digest", async () => {
  const first = await ecr.run();
  const pushed = ecr.calls().length;
  const again = await ecr.run();
  expect(again.code).toBe(0);
  expect(again.stdout).toBe(first.stdout);
  expect(
    ecr
      .calls()
      .slice(pushed)
      .filter((c) => c.startsWith("docker")),
  ).toEqual([]);
  expect(again.stderr).toContain("already in ECR");
});

it("the fake refuses a second push of a tag, as ECR does, so the old build step would fail there", async () => {
  await ecr.run();
  const oldStep = await new Promise<Run>((resolve) => {
    execFile(
      "bash",
      ["-ec", `docker build --pull --tag "$IMAGE" app && docker push "$IMAGE"`],
      {
        env: {
          PATH: `${join(ecr.dir, "bin")}${delimiter}${process.env.PATH ?? ""}`,
          FAKE_ECR: ecr.dir,
          IMAGE: `${REGISTRY}/app:${TAG}`,
        },
      },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : 1, stdout, stderr }),
    );
  });
  expect(oldStep.code).not.toBe(0);
  expect(oldStep.stderr).toMatch(/already exists .* cannot be overwritten because the repository is immutable/);
});

it("fails without building when ECR cannot be asked (access denied is not 'no such image')", async () => {
  const run = await ecr.run({ FAKE_AWS_ERROR: "AccessDeniedException" });
  expect(run.code).not.toBe(0);
  expect(run.stdout).toBe("");
  expect(run.stderr).toContain("AccessDeniedException");
  expect(ecr.calls().filter((c) => c.startsWith("docker"))).toEqual([]);
});

it("uses the image another run pushed between its check and its push", async () => {
  const theirs = `sha256:${"c".repeat(64)}`;
  const run = await ecr.run({ FAKE_RACE_DIGEST: theirs, FAKE_RACE_TAG: TAG });
  expect(run.code).toBe(0);
  expect(run.stdout).toBe(`${REGISTRY}/app@${theirs}\n`);
  expect(run.stderr).toContain("pushed by another run meanwhile");
});

it("refuses to run with missing arguments", async () => {
  const run = await ecr.run({}, [REGISTRY, "app"]);
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/^usage: ecr-image\.sh/);
});
