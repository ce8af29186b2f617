/**
 * The stand-in applies Pulumi.yaml's `config:` schema as the real CLI does (pulumi/pulumi
 * sdk/go/common/workspace/config.go, project.go; messages from its tests), before up/preview/refresh/destroy.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { applyProjectConfig } from "../support/standin/backend/project-config-schema";
import type { StackConfigFile } from "../support/standin/backend/stack-config";
import { configEntries } from "../support/standin/backend/stack-config";

const ref = { project: "test", stack: "dev" };

function check(projectYaml: string, stack: StackConfigFile) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "schema-"));
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), projectYaml);
  const project = { name: "test", runtime: "nodejs", dir };
  return () => applyProjectConfig(project, ref, stack, configEntries(stack, undefined));
}

const typed =
  "name: test\nruntime: nodejs\nconfig:\n  hello:\n    type: integer\n  values:\n    type: array\n    items:\n      type: string\n  world:\n    type: string\n";

describe("project config schema", () => {
  it("reports every required key missing from the stack, sorted, in the CLI's words", () => {
    expect(check(typed, {})).toThrow(
      "validating stack config: Stack 'dev' is missing configuration values 'hello', 'values' and 'world'",
    );
    expect(check(typed, { config: { "test:hello": 1, "test:values": ["a"] } })).toThrow(
      /^validating stack config: Stack 'dev' is missing configuration value 'world'$/,
    );
  });

  it("applies defaults and values the stack does not set, so the program sees them", () => {
    const yaml =
      "name: test\nruntime: nodejs\nconfig:\n  size:\n    type: integer\n    default: 2\n  mode: fast\n  aws:region:\n    value: us-east-1\n";
    expect(check(yaml, { config: { "test:size": 3 } })()).toEqual({
      "test:size": { value: "3", secret: false },
      "test:mode": { value: "fast", secret: false },
      "aws:region": { value: "us-east-1", secret: false },
    });
  });

  it("does not require keys of other namespaces", () => {
    expect(check("name: test\nruntime: nodejs\nconfig:\n  aws:region:\n    description: region\n", {})()).toEqual({});
  });

  it.each([
    ["integer", "hello", "must be of type 'integer'"],
    ["boolean", "yes", "must be of type 'boolean'"],
    ["string", ["a"], "must be of type 'string'"],
  ])("checks the type %s", (type, value, message) => {
    const yaml = `name: test\nruntime: nodejs\nconfig:\n  key:\n    type: ${type}\n`;
    expect(check(yaml, { config: { "test:key": value } })).toThrow(
      `Stack 'dev' with configuration key 'key' ${message}`,
    );
  });

  it("accepts Pulumi's string forms of integers and booleans", () => {
    const yaml = "name: test\nruntime: nodejs\nconfig:\n  n:\n    type: integer\n  b:\n    type: boolean\n";
    expect(check(yaml, { config: { "test:n": "-4", "test:b": "false" } })()).toMatchObject({
      "test:n": { value: "-4" },
    });
  });

  it("requires a secret key to be stored encrypted", () => {
    const yaml = "name: test\nruntime: nodejs\nconfig:\n  token:\n    type: string\n    secret: true\n";
    expect(check(yaml, { config: { "test:token": "plain" } })).toThrow(
      "Stack 'dev' with configuration key 'token' must be encrypted as it's secret",
    );
  });
});
