import { checkResource } from "../../infra/sim/check";
import { physicalName } from "../../infra/sim/names";
import { simulateOutputs } from "../../infra/sim/outputs";

const CTX = { region: "us-east-1", accountId: "123456789012", project: "tenantctl-shared", stack: "dev" };
const FUNCTION = {
  runtime: "nodejs22.x",
  handler: "index.handler",
  code: { "index.js": "…" },
  timeout: 900,
  memorySize: 256,
  role: "arn:aws:iam::123456789012:role/tenantctl-dev-task-runner-role-abc1234",
};
const INVOCATION = { functionName: "tenantctl-dev-task-runner", input: '{"cluster":"c"}' };

describe("the simulation's Lambda rules (the shared task runner and the tenant bootstrap Invocation)", () => {
  it.each([
    ["lambda-function-name-length", "ValidationException", FUNCTION, `f${"n".repeat(64)}`],
    ["lambda-function-name-charset", "ValidationException", FUNCTION, "task.runner"],
    ["lambda-timeout", "ValidationException", { ...FUNCTION, timeout: 901 }, "f"],
    ["lambda-memory", "ValidationException", { ...FUNCTION, memorySize: 64 }, "f"],
    ["lambda-runtime", "InvalidParameterValueException", { ...FUNCTION, runtime: "nodejs16.x" }, "f"],
    ["lambda-handler", "InvalidParameterValueException", { ...FUNCTION, handler: "index" }, "f"],
    ["lambda-role", "InvalidParameterValueException", { ...FUNCTION, role: "task-runner-role" }, "f"],
  ])("%s (%s)", (rule, code, inputs, physical) => {
    expect(checkResource("aws:lambda/function:Function", "fn", inputs, physical)).toContainEqual(
      expect.objectContaining({ rule, code }),
    );
  });

  it.each([
    ["lambda-invocation-function", { ...INVOCATION, functionName: "" }],
    ["lambda-invocation-input", { ...INVOCATION, input: "not json" }],
    ["lambda-invocation-scope", { ...INVOCATION, lifecycleScope: "ALWAYS" }],
  ])("%s", (rule, inputs) => {
    expect(checkResource("aws:lambda/invocation:Invocation", "inv", inputs, undefined).map((v) => v.rule)).toContain(
      rule,
    );
  });

  it("accepts the task runner as the shared program builds it, and auto-names functions like the provider", () => {
    expect(checkResource("aws:lambda/function:Function", "fn", FUNCTION, "tenantctl-dev-task-runner")).toEqual([]);
    expect(checkResource("aws:lambda/invocation:Invocation", "inv", INVOCATION, undefined)).toEqual([]);
    expect(physicalName("aws:lambda/function:Function", "runner", {}, "seed")).toMatch(/^runner-[0-9a-f]{7}$/);
    expect(
      simulateOutputs("aws:lambda/function:Function", "runner", { ...FUNCTION, name: "tenantctl-dev-task-runner" }, CTX)
        .outputs,
    ).toMatchObject({
      arn: "arn:aws:lambda:us-east-1:123456789012:function:tenantctl-dev-task-runner",
    });
  });
});
