// AWS Lambda's CreateFunction limits and what an Invocation needs (the tenant bootstrap path).
import { checkName, type Findings, type NameRule } from "./rules-common";
import { asNumber, asString, type Props } from "./types";

const FUNCTION_NAME: NameRule = {
  what: "Lambda function name",
  max: 64,
  charset: /^[A-Za-z0-9_-]*$/,
  allowed: "letters, digits, hyphens and underscores",
  code: "ValidationException",
};
/** CreateFunction: Timeout 1–900 seconds, MemorySize 128–10240 MB. */
export const LAMBDA_MAX_TIMEOUT_SECONDS = 900;
export const LAMBDA_MEMORY_MB = { min: 128, max: 10240 } as const;
/** Node.js runtimes Lambda still lets you create functions with (nodejs16.x/18.x are deprecated for creation). */
export const LAMBDA_NODE_RUNTIMES: readonly string[] = ["nodejs20.x", "nodejs22.x"];

export function checkLambdaFunction(f: Findings, inputs: Props, physical: string | undefined): void {
  if (physical !== undefined) checkName(f, "lambda-function-name", FUNCTION_NAME, physical);
  const timeout = asNumber(inputs["timeout"]) ?? 3;
  f.require(
    Number.isInteger(timeout) && timeout >= 1 && timeout <= LAMBDA_MAX_TIMEOUT_SECONDS,
    "lambda-timeout",
    "ValidationException",
    `timeout ${timeout} s (allowed: 1–${LAMBDA_MAX_TIMEOUT_SECONDS})`,
  );
  const memory = asNumber(inputs["memorySize"]) ?? 128;
  f.require(
    Number.isInteger(memory) && memory >= LAMBDA_MEMORY_MB.min && memory <= LAMBDA_MEMORY_MB.max,
    "lambda-memory",
    "ValidationException",
    `memorySize ${memory} MB (allowed: ${LAMBDA_MEMORY_MB.min}–${LAMBDA_MEMORY_MB.max})`,
  );
  const packageType = asString(inputs["packageType"]) ?? "Zip";
  if (packageType === "Zip") {
    const runtime = asString(inputs["runtime"]);
    f.require(
      runtime !== undefined && (LAMBDA_NODE_RUNTIMES.includes(runtime) || !runtime.startsWith("nodejs")),
      "lambda-runtime",
      "InvalidParameterValueException",
      `runtime ${JSON.stringify(runtime)} (allowed Node.js runtimes: ${LAMBDA_NODE_RUNTIMES.join(", ")})`,
    );
    f.require(
      /^[^\s]+\.[^\s.]+$/.test(asString(inputs["handler"]) ?? ""),
      "lambda-handler",
      "InvalidParameterValueException",
      `handler ${JSON.stringify(inputs["handler"])} must be <file>.<export>, e.g. index.handler`,
    );
    f.require(
      inputs["code"] !== undefined || inputs["s3Bucket"] !== undefined,
      "lambda-code",
      "InvalidParameterValueException",
      "a Zip function needs code or an S3 object",
    );
  }
  f.require(
    /^arn:aws[a-z-]*:iam::\d{12}:role\/.+/.test(asString(inputs["role"]) ?? ""),
    "lambda-role",
    "InvalidParameterValueException",
    `role ${JSON.stringify(inputs["role"])} must be an IAM role ARN`,
  );
}

export function checkLambdaInvocation(f: Findings, inputs: Props): void {
  f.require(
    (asString(inputs["functionName"]) ?? "") !== "",
    "lambda-invocation-function",
    "ValidationException",
    "functionName is required",
  );
  const input = asString(inputs["input"]);
  let parsed = false;
  try {
    parsed = input !== undefined && typeof JSON.parse(input) === "object";
  } catch {
    parsed = false;
  }
  f.require(parsed, "lambda-invocation-input", "InvalidRequestContentException", "input must be a JSON object");
  const scope = asString(inputs["lifecycleScope"]);
  f.require(
    scope === undefined || scope === "CREATE_ONLY" || scope === "CRUD",
    "lambda-invocation-scope",
    "ValidationException",
    `lifecycleScope ${JSON.stringify(scope)} (allowed: CREATE_ONLY, CRUD)`,
  );
}
