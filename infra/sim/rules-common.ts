import { asRecord, type Violation } from "./types";

/** Collects violations for one resource so each rule reads as one line. */
export class Findings {
  readonly list: Violation[] = [];
  constructor(
    private readonly type: string,
    private readonly name: string,
  ) {}

  fail(rule: string, code: string, message: string): void {
    this.list.push({ type: this.type, name: this.name, rule, code, message });
  }

  /** Records a violation when `ok` is false; returns `ok` so callers can skip dependent rules. */
  require(ok: boolean, rule: string, code: string, message: string): boolean {
    if (!ok) this.fail(rule, code, message);
    return ok;
  }
}

export interface NameRule {
  readonly what: string;
  readonly max: number;
  readonly min?: number;
  readonly charset: RegExp;
  readonly allowed: string;
  readonly code: string;
  readonly startsWithLetter?: boolean;
  readonly noEdgeHyphen?: boolean;
  readonly noDoubleHyphen?: boolean;
  readonly lowercase?: boolean;
}

/** Checks a name against one AWS naming rule; messages show the bad value and what is allowed. */
export function checkName(f: Findings, rulePrefix: string, rule: NameRule, value: string): void {
  const min = rule.min ?? 1;
  f.require(
    value.length >= min && value.length <= rule.max,
    `${rulePrefix}-length`,
    rule.code,
    `${rule.what} "${value}" is ${value.length} characters (allowed: ${min}–${rule.max})`,
  );
  f.require(
    rule.charset.test(value),
    `${rulePrefix}-charset`,
    rule.code,
    `${rule.what} "${value}" contains characters outside ${rule.allowed}`,
  );
  if (rule.startsWithLetter === true) {
    f.require(
      /^[A-Za-z]/.test(value),
      `${rulePrefix}-first-char`,
      rule.code,
      `${rule.what} "${value}" must start with a letter`,
    );
  }
  if (rule.noEdgeHyphen === true) {
    f.require(
      !value.startsWith("-") && !value.endsWith("-"),
      `${rulePrefix}-edge-hyphen`,
      rule.code,
      `${rule.what} "${value}" must not start or end with a hyphen`,
    );
  }
  if (rule.noDoubleHyphen === true) {
    f.require(
      !value.includes("--"),
      `${rulePrefix}-double-hyphen`,
      rule.code,
      `${rule.what} "${value}" must not contain "--"`,
    );
  }
  if (rule.lowercase === true) {
    f.require(
      value === value.toLowerCase(),
      `${rulePrefix}-case`,
      rule.code,
      `${rule.what} "${value}" must be lower case`,
    );
  }
}

export const MAX_TAGS = 50;
const MAX_TAG_KEY = 128;
const MAX_TAG_VALUE = 256;
/** The tag character set most AWS services enforce (EC2 alone is laxer); the strictest common rule wins. */
const TAG_CHARSET = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Tag limits shared by every taggable AWS API (the provider merges default tags first, so pass the merged set). */
export function checkTags(f: Findings, tags: unknown): void {
  const entries = Object.entries(asRecord(tags));
  f.require(
    entries.length <= MAX_TAGS,
    "tags-count",
    "InvalidParameterValue",
    `${entries.length} tags (allowed: at most ${MAX_TAGS} including provider default tags)`,
  );
  for (const [key, value] of entries) {
    f.require(
      key.length >= 1 && key.length <= MAX_TAG_KEY,
      "tag-key-length",
      "InvalidParameterValue",
      `tag key "${key}" is ${key.length} characters (allowed: 1–${MAX_TAG_KEY})`,
    );
    f.require(
      !key.toLowerCase().startsWith("aws:"),
      "tag-key-reserved",
      "InvalidParameterValue",
      `tag key "${key}" uses the reserved prefix "aws:"`,
    );
    const text = typeof value === "string" ? value : (JSON.stringify(value) ?? "");
    f.require(
      typeof value === "string",
      "tag-value-type",
      "InvalidParameterValue",
      `tag "${key}" has a non-string value ${text}`,
    );
    f.require(
      text.length <= MAX_TAG_VALUE,
      "tag-value-length",
      "InvalidParameterValue",
      `tag "${key}" value is ${text.length} characters (allowed: at most ${MAX_TAG_VALUE})`,
    );
    f.require(
      TAG_CHARSET.test(key) && TAG_CHARSET.test(text),
      "tag-charset",
      "InvalidParameterValue",
      `tag ${JSON.stringify(key)}=${JSON.stringify(text)} has characters outside letters, digits, spaces and _ . : / = + - @`,
    );
  }
}

/** Parses a JSON document input (policies, container definitions); reports instead of throwing. */
export function parseJsonInput(f: Findings, field: string, value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    f.fail(`${field}-json`, "MalformedPolicyDocument", `${field} is not valid JSON: ${value.slice(0, 80)}`);
    return undefined;
  }
}
