import { checkName, parseJsonInput, type Findings, type NameRule } from "./rules-common";
import { asArray, asRecord, asString, type Props } from "./types";

const ROLE_NAME: NameRule = {
  what: "IAM role name",
  max: 64,
  charset: /^[\w+=,.@-]*$/,
  allowed: "[\\w+=,.@-]",
  code: "ValidationError",
};
const POLICY_NAME: NameRule = {
  what: "IAM policy name",
  max: 128,
  charset: /^[\w+=,.@-]*$/,
  allowed: "[\\w+=,.@-]",
  code: "ValidationError",
};
const MAX_ROLE_POLICY_BYTES = 10240;
const MAX_TRUST_POLICY_BYTES = 2048;
const MAX_MANAGED_POLICY_BYTES = 6144;

/** A policy document must be JSON with a Version and at least one Statement carrying an Effect. */
function checkPolicyDocument(f: Findings, field: string, value: unknown, maxBytes: number): void {
  if (value === undefined) return;
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const doc = asRecord(parseJsonInput(f, field, text));
  const statements = Array.isArray(doc["Statement"])
    ? doc["Statement"]
    : [doc["Statement"]].filter((s) => s !== undefined);
  f.require(statements.length > 0, `${field}-statement`, "MalformedPolicyDocument", `${field} has no Statement`);
  for (const s of statements.map(asRecord)) {
    f.require(
      s["Effect"] === "Allow" || s["Effect"] === "Deny",
      `${field}-effect`,
      "MalformedPolicyDocument",
      `${field} statement has Effect ${JSON.stringify(s["Effect"])}`,
    );
  }
  // IAM counts characters without whitespace against the size quota.
  const size = text.replace(/\s/g, "").length;
  f.require(
    size <= maxBytes,
    `${field}-size`,
    "LimitExceeded",
    `${field} is ${size} characters (allowed: at most ${maxBytes})`,
  );
}

/** IAM descriptions: at most 1000 of tab, newline and Latin-1 printable characters (no emoji, no other scripts). */
const IAM_DESCRIPTION = /^[\t\n\r\u0020-\u007E\u00A1-\u00FF]*$/;

export function checkRole(f: Findings, inputs: Props, physical: string | undefined): void {
  if (physical !== undefined) checkName(f, "iam-role-name", ROLE_NAME, physical);
  const description = asString(inputs["description"]);
  if (description !== undefined) {
    f.require(
      description.length <= 1000 && IAM_DESCRIPTION.test(description),
      "iam-role-description",
      "ValidationError",
      `role description ${JSON.stringify(description.slice(0, 80))} must be at most 1000 Latin-1 printable characters`,
    );
  }
  const path = asString(inputs["path"]);
  if (path !== undefined)
    f.require(
      /^\/([\x21-\x7e]*\/)?$/.test(path) && path.length <= 512,
      "iam-role-path",
      "ValidationError",
      `role path "${path}" must start and end with "/"`,
    );
  f.require(
    inputs["assumeRolePolicy"] !== undefined,
    "iam-role-trust-missing",
    "ValidationError",
    "assumeRolePolicy is required",
  );
  checkPolicyDocument(f, "assumeRolePolicy", inputs["assumeRolePolicy"], MAX_TRUST_POLICY_BYTES);
  for (const inline of asArray(inputs["inlinePolicies"]).map(asRecord)) {
    checkPolicyDocument(f, "inlinePolicy", inline["policy"], MAX_ROLE_POLICY_BYTES);
  }
}

export function checkRolePolicy(f: Findings, inputs: Props, physical: string | undefined): void {
  if (physical !== undefined) checkName(f, "iam-policy-name", POLICY_NAME, physical);
  checkPolicyDocument(f, "policy", inputs["policy"], MAX_ROLE_POLICY_BYTES);
}

export function checkManagedPolicy(f: Findings, inputs: Props, physical: string | undefined): void {
  if (physical !== undefined) checkName(f, "iam-policy-name", POLICY_NAME, physical);
  checkPolicyDocument(f, "policy", inputs["policy"], MAX_MANAGED_POLICY_BYTES);
}
