// ECR lifecycle policies as PutLifecyclePolicy validates them (AWS ECR user guide, "Lifecycle policy properties"):
// AWS refuses the whole policy with InvalidParameterException when any rule breaks these.
import type { Findings } from "./rules-common";
import type { Props } from "./types";

const CODE = "InvalidParameterException";
const TAG_STATUS = ["tagged", "untagged", "any"];
const COUNT_TYPES = ["imageCountMoreThan", "sinceImagePushed"];
const MAX_WILDCARDS = 4;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const positiveInt = (v: unknown): boolean => typeof v === "number" && Number.isInteger(v) && v >= 1;
const nonEmptyStrings = (v: unknown): v is string[] =>
  Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === "string" && s !== "");

function parsePolicy(f: Findings, policy: unknown): unknown[] | undefined {
  let doc: unknown = policy;
  if (typeof policy === "string") {
    try {
      doc = JSON.parse(policy);
    } catch {
      f.fail("ecr-lifecycle-json", CODE, "lifecycle policy is not JSON");
      return undefined;
    }
  }
  const rules = isObject(doc) ? doc["rules"] : undefined;
  if (
    !f.require(
      Array.isArray(rules) && rules.length > 0,
      "ecr-lifecycle-rules",
      CODE,
      "lifecycle policy needs a non-empty `rules` list",
    )
  )
    return undefined;
  return rules as unknown[];
}

function checkSelection(f: Findings, at: string, selection: Record<string, unknown>): void {
  const status = selection["tagStatus"];
  const prefixes = selection["tagPrefixList"];
  const patterns = selection["tagPatternList"];
  f.require(
    TAG_STATUS.includes(String(status)),
    "ecr-lifecycle-tag-status",
    CODE,
    `${at}: tagStatus ${JSON.stringify(status)} (allowed: ${TAG_STATUS.join(", ")})`,
  );
  if (status === "tagged") {
    f.require(
      nonEmptyStrings(prefixes) || nonEmptyStrings(patterns),
      "ecr-lifecycle-tagged-needs-tags",
      CODE,
      `${at}: tagStatus tagged needs a tagPrefixList or a tagPatternList`,
    );
  } else {
    f.require(
      prefixes === undefined && patterns === undefined,
      "ecr-lifecycle-untagged-with-tags",
      CODE,
      `${at}: tagPrefixList and tagPatternList are only for tagStatus tagged`,
    );
  }
  if (nonEmptyStrings(patterns)) {
    for (const p of patterns) {
      f.require(
        (p.match(/\*/g) ?? []).length <= MAX_WILDCARDS,
        "ecr-lifecycle-wildcards",
        CODE,
        `${at}: tag pattern ${JSON.stringify(p)} has more than ${MAX_WILDCARDS} wildcards`,
      );
    }
  }
  const countType = selection["countType"];
  f.require(
    COUNT_TYPES.includes(String(countType)),
    "ecr-lifecycle-count-type",
    CODE,
    `${at}: countType ${JSON.stringify(countType)} (allowed: ${COUNT_TYPES.join(", ")})`,
  );
  if (countType === "sinceImagePushed") {
    f.require(
      selection["countUnit"] === "days",
      "ecr-lifecycle-count-unit",
      CODE,
      `${at}: countType sinceImagePushed needs countUnit "days"`,
    );
  } else {
    f.require(
      selection["countUnit"] === undefined,
      "ecr-lifecycle-count-unit",
      CODE,
      `${at}: countUnit is only for countType sinceImagePushed`,
    );
  }
  f.require(
    positiveInt(selection["countNumber"]),
    "ecr-lifecycle-count-number",
    CODE,
    `${at}: countNumber ${JSON.stringify(selection["countNumber"])} (allowed: an integer ≥ 1)`,
  );
}

export function checkEcrLifecyclePolicy(f: Findings, inputs: Props): void {
  const rules = parsePolicy(f, inputs["policy"]);
  if (rules === undefined) return;
  const priorities: number[] = [];
  let anyPriority: number | undefined;
  for (const [i, rule] of rules.entries()) {
    const at = `rule ${i + 1}`;
    if (!f.require(isObject(rule), "ecr-lifecycle-rule", CODE, `${at} is not an object`) || !isObject(rule)) continue;
    const priority = rule["rulePriority"];
    if (
      f.require(
        positiveInt(priority),
        "ecr-lifecycle-priority",
        CODE,
        `${at}: rulePriority ${JSON.stringify(priority)} (allowed: an integer ≥ 1)`,
      )
    ) {
      f.require(
        !priorities.includes(priority as number),
        "ecr-lifecycle-priority-unique",
        CODE,
        `${at}: rulePriority ${String(priority)} is used by another rule`,
      );
      priorities.push(priority as number);
    }
    const selection = rule["selection"];
    if (
      f.require(isObject(selection), "ecr-lifecycle-selection", CODE, `${at} has no selection`) &&
      isObject(selection)
    ) {
      checkSelection(f, at, selection);
      if (selection["tagStatus"] === "any" && typeof priority === "number") anyPriority = priority;
    }
    const action = rule["action"];
    f.require(
      isObject(action) && action["type"] === "expire",
      "ecr-lifecycle-action",
      CODE,
      `${at}: action type must be "expire"`,
    );
  }
  if (anyPriority !== undefined) {
    f.require(
      priorities.every((p) => p <= (anyPriority as number)),
      "ecr-lifecycle-any-last",
      CODE,
      `the rule with tagStatus any must have the highest rulePriority (it has ${anyPriority})`,
    );
  }
}
