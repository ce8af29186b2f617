/**
 * Issue 12, item 4: the shared program gives the app repository a lifecycle policy (preview images kept to the newest
 * N, untagged images expired after a day), and infra/sim checks lifecycle policies as ECR's PutLifecyclePolicy does.
 */
import { checkResource } from "../../infra/sim/aws-model";
import { synthesize, type SynthResult } from "../../infra/sim/synth";
import { parseSharedConfig } from "../../infra/shared/config";
import {
  imageLifecyclePolicy,
  PREVIEW_IMAGES_KEPT,
  PREVIEW_TAG_PREFIX,
  repositoryNameOf,
  UNTAGGED_EXPIRY_DAYS,
} from "../../infra/shared/image-lifecycle";
import { sharedProgram } from "../../infra/shared/program";
import { SOURCE_TAG_PREFIX } from "../../infra/shared/registry";
import { ACCOUNT } from "./fixtures";
import { one } from "./synth-helpers";

const TYPE = "aws:ecr/lifecyclePolicy:LifecyclePolicy";
const problems = (policy: unknown): string[] =>
  checkResource(
    TYPE,
    "p",
    { repository: "app", policy: typeof policy === "string" ? policy : JSON.stringify(policy) },
    undefined,
  ).map((v) => v.message);

describe("the app repository's lifecycle policy", () => {
  let result: SynthResult;
  beforeAll(async () => {
    const config = parseSharedConfig({ env: "dev", region: ACCOUNT.region, baseDomain: "tenants.example.com" });
    result = await synthesize(sharedProgram(config), { project: "tenantctl-shared", stack: "dev", ctx: ACCOUNT });
  });

  it("is attached to the shared stack's repository and breaks no ECR rule", () => {
    expect(result.violations).toEqual([]);
    const policy = one(result, TYPE);
    const repository = one(result, "aws:ecr/repository:Repository");
    expect(policy.inputs["repository"]).toBe(repositoryNameOf(String(repository.outputs["repositoryUrl"])));
    expect(JSON.parse(String(policy.inputs["policy"]))).toEqual(imageLifecyclePolicy());
  });

  it("keeps the newest preview images and expires untagged ones after a day, never selecting tenant images", () => {
    const [previews, untagged] = imageLifecyclePolicy().rules;
    expect(previews?.selection).toEqual({
      tagStatus: "tagged",
      tagPrefixList: ["preview-"],
      countType: "imageCountMoreThan",
      countNumber: PREVIEW_IMAGES_KEPT,
    });
    expect(untagged?.selection).toEqual({
      tagStatus: "untagged",
      countType: "sinceImagePushed",
      countUnit: "days",
      countNumber: UNTAGGED_EXPIRY_DAYS,
    });
    // Tenants run `src-<hash>` images: no rule may select every tagged image or a prefix a source tag starts with.
    for (const rule of imageLifecyclePolicy().rules) {
      expect(rule.selection.tagStatus).not.toBe("any");
      for (const prefix of rule.selection.tagPrefixList ?? [])
        expect(`${SOURCE_TAG_PREFIX}0123456789ab`.startsWith(prefix)).toBe(false);
    }
    expect(PREVIEW_TAG_PREFIX).toBe("preview-");
  });

  it("uses the prefix preview.yml pushes under", async () => {
    const { readFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const workflow = readFileSync(join(__dirname, "..", "..", ".github", "workflows", "preview.yml"), "utf8");
    expect(workflow).toContain(`"${PREVIEW_TAG_PREFIX}$HEAD_SHA"`);
  });

  it("reads the repository name from its URL", () => {
    expect(repositoryNameOf("123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app")).toBe("team/app");
    expect(() => repositoryNameOf("app")).toThrow(/not an ECR repository URL/);
  });
});

describe("infra/sim checks lifecycle policies as PutLifecyclePolicy does", () => {
  const rule = (selection: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    rulePriority: 1,
    selection,
    action: { type: "expire" },
    ...extra,
  });
  const count = { countType: "imageCountMoreThan", countNumber: 5 };

  it("accepts the policy the shared program sets", () => {
    expect(problems(imageLifecyclePolicy())).toEqual([]);
  });

  it.each([
    ["text that is not JSON", "{rules:", /not JSON/],
    ["no rules", { rules: [] }, /non-empty `rules`/],
    [
      "tagged without tags",
      { rules: [rule({ tagStatus: "tagged", ...count })] },
      /tagged needs a tagPrefixList or a tagPatternList/,
    ],
    [
      "untagged with a prefix",
      { rules: [rule({ tagStatus: "untagged", tagPrefixList: ["x"], ...count })] },
      /only for tagStatus tagged/,
    ],
    ["an unknown tag status", { rules: [rule({ tagStatus: "some", ...count })] }, /tagStatus "some"/],
    [
      "five wildcards",
      { rules: [rule({ tagStatus: "tagged", tagPatternList: ["a*b*c*d*e*f"], ...count })] },
      /more than 4 wildcards/,
    ],
    [
      "sinceImagePushed without days",
      { rules: [rule({ tagStatus: "untagged", countType: "sinceImagePushed", countNumber: 1 })] },
      /needs countUnit "days"/,
    ],
    [
      "a count with a unit",
      { rules: [rule({ tagStatus: "untagged", ...count, countUnit: "days" })] },
      /only for countType sinceImagePushed/,
    ],
    [
      "countNumber 0",
      { rules: [rule({ tagStatus: "untagged", countType: "imageCountMoreThan", countNumber: 0 })] },
      /countNumber 0/,
    ],
    [
      "a repeated priority",
      {
        rules: [
          rule({ tagStatus: "untagged", ...count }),
          rule({ tagStatus: "tagged", tagPrefixList: ["p"], ...count }),
        ],
      },
      /rulePriority 1 is used by another rule/,
    ],
    [
      "`any` before another rule",
      { rules: [rule({ tagStatus: "any", ...count }), rule({ tagStatus: "untagged", ...count }, { rulePriority: 2 })] },
      /tagStatus any must have the highest rulePriority/,
    ],
    [
      "an action other than expire",
      { rules: [rule({ tagStatus: "untagged", ...count }, { action: { type: "archive" } })] },
      /action type must be "expire"/,
    ],
  ])("refuses %s", (_name, policy, message) => {
    const found = problems(policy);
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
    expect(
      checkResource(
        TYPE,
        "p",
        { policy: typeof policy === "string" ? policy : JSON.stringify(policy) },
        undefined,
      ).every((v) => v.code === "InvalidParameterException"),
    ).toBe(true);
  });
});
