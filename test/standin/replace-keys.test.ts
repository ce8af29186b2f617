import { forcesReplacement } from "../support/standin/aws/replace-keys";
import { decide, type Goal } from "../support/standin/engine/steps";
import type { PropertyMap } from "../support/standin/engine/values";

// What the simulated provider replaces and what it updates in place, checked against terraform-provider-aws's
// resource schemas (ForceNew and CustomizeDiff) for the properties whose step matters to tenantctl.
describe("the stand-in's ForceNew properties", () => {
  it.each([
    ["aws:lambda/invocation:Invocation", "triggers", true],
    ["aws:lambda/invocation:Invocation", "functionName", true],
    ["aws:lambda/invocation:Invocation", "qualifier", true],
    ["aws:rds/instance:Instance", "engine", true],
    ["aws:rds/instance:Instance", "storageEncrypted", true],
    ["aws:rds/instance:Instance", "dbName", true],
    ["aws:rds/instance:Instance", "username", true],
    // Renamed in place since provider v5 (ModifyDBInstance NewDBInstanceIdentifier).
    ["aws:rds/instance:Instance", "identifier", false],
    ["aws:rds/instance:Instance", "engineVersion", false],
    ["aws:rds/instance:Instance", "instanceClass", false],
    ["aws:secretsmanager/secret:Secret", "name", true],
    ["aws:secretsmanager/secret:Secret", "description", false],
    ["aws:secretsmanager/secretVersion:SecretVersion", "secretStringWoVersion", true],
    ["aws:lb/targetGroup:TargetGroup", "port", true],
    ["aws:lb/targetGroup:TargetGroup", "protocol", true],
    ["aws:lb/targetGroup:TargetGroup", "vpcId", true],
    ["aws:lb/targetGroup:TargetGroup", "healthCheck", false],
    ["aws:lb/listenerRule:ListenerRule", "listenerArn", true],
    ["aws:lb/listenerRule:ListenerRule", "priority", false],
    ["aws:lb/listenerRule:ListenerRule", "conditions", false],
    ["aws:ecs/taskDefinition:TaskDefinition", "containerDefinitions", true],
    ["aws:ecs/taskDefinition:TaskDefinition", "tags", false],
    ["aws:ecs/service:Service", "taskDefinition", false],
  ])("%s %s → replace: %s", (type, key, replaces) => {
    expect(forcesReplacement(type, key)).toBe(replaces);
  });

  it("replaces an Invocation whose input changes under CREATE_ONLY (the default) and updates it under CRUD", () => {
    expect(forcesReplacement("aws:lambda/invocation:Invocation", "input", {})).toBe(true);
    expect(forcesReplacement("aws:lambda/invocation:Invocation", "input", { lifecycleScope: "CREATE_ONLY" })).toBe(
      true,
    );
    expect(forcesReplacement("aws:lambda/invocation:Invocation", "input", { lifecycleScope: "CRUD" })).toBe(false);
  });
});

describe("the engine's step for the bootstrap Invocation", () => {
  const goal = (inputs: PropertyMap, type = "aws:lambda/invocation:Invocation"): Goal => ({
    urn: `urn:pulumi:dev-acme::tenantctl-tenant::${type}::acme-x`,
    type,
    name: "acme-x",
    custom: true,
    remote: false,
    parent: "",
    inputs,
    protect: false,
    retainOnDelete: false,
    deleteBeforeReplace: false,
    ignoreChanges: [],
    replaceOnChanges: [],
    dependencies: [],
    propertyDependencies: {},
    provider: "",
    additionalSecretOutputs: [],
    deletedWith: "",
  });
  const oldInputs = {
    functionName: "tenantctl-dev-task-runner",
    input: '{"taskDefinition":"td:1"}',
    triggers: { taskDefinition: "td:1" },
  };
  const old = {
    urn: "u",
    type: "aws:lambda/invocation:Invocation",
    custom: true,
    inputs: oldInputs,
    outputs: oldInputs,
  } as never;

  it("is a replacement when a new task definition revision changes its triggers and input", () => {
    const news = { ...oldInputs, input: '{"taskDefinition":"td:2"}', triggers: { taskDefinition: "td:2" } };
    expect(decide(goal(news), news, old, false)).toMatchObject({
      op: "replace",
      diffs: ["input", "triggers"],
      replaceKeys: ["input", "triggers"],
    });
  });

  it("is the same when nothing changed (the task does not run again)", () => {
    expect(decide(goal(oldInputs), oldInputs, old, false)).toMatchObject({ op: "same", diffs: [] });
  });

  it("renames an RDS instance in place rather than replacing it (and its data)", () => {
    const rds = { identifier: "tenant-dev-acme", engine: "postgres", instanceClass: "db.t4g.micro" };
    const rdsGoal = goal(rds, "aws:rds/instance:Instance");
    const oldRds = { urn: "u", type: "aws:rds/instance:Instance", custom: true, inputs: rds, outputs: rds } as never;
    expect(decide(rdsGoal, { ...rds, identifier: "tenant-dev-acme-2" }, oldRds, false)).toMatchObject({
      op: "update",
      replaceKeys: [],
    });
    expect(decide(rdsGoal, { ...rds, engine: "mysql" }, oldRds, false)).toMatchObject({
      op: "replace",
      replaceKeys: ["engine"],
    });
  });
});
