/**
 * The pull-request comments without an engine: escaping of hostile branch names, the per-resource change folding
 * from engine events, secrets kept out, replacements called out in the infra diff.
 */
import type { EngineEvent, StepEventMetadata } from "@pulumi/pulumi/automation";
import { ChangeCollector, type ResourceChange } from "../../cli/preview/changes";
import { previewMarkdown, type PreviewReport } from "../../cli/preview/comment";
import { cell, code, relativeTime } from "../../cli/preview/markdown";
import { sharedDiffMarkdown } from "../../cli/preview/shared-diff";

const URN = (type: string, name: string): string =>
  `urn:pulumi:dev::tenantctl-shared::tenantctl:shared:Network$${type}::${name}`;

function pre(meta: Partial<StepEventMetadata> & Pick<StepEventMetadata, "op" | "type" | "urn">): EngineEvent {
  return { sequence: 1, timestamp: 0, resourcePreEvent: { metadata: { provider: "", ...meta } as StepEventMetadata } };
}

function state(inputs: Record<string, unknown>, custom = true): StepEventMetadata["new"] {
  return {
    type: "t",
    urn: "u",
    custom,
    delete: false,
    id: "",
    parent: "",
    protect: false,
    retainOnDelete: false,
    inputs,
    outputs: {},
    provider: "",
  } as StepEventMetadata["new"];
}

describe("code spans and cells", () => {
  it("cannot be broken out of by backticks, pipes or HTML in a branch name", () => {
    expect(code("plain")).toBe("`plain`");
    expect(code("a`b")).toBe("``a`b``");
    expect(code("`x``")).toBe("``` `x`` ```");
    expect(cell(code("x|y"))).toBe("`x\\|y`");
  });

  it("keeps a hostile branch inside its cell in the preview comment", () => {
    const branch = "evil|`</td><img src=x onerror=alert(1)>`|";
    const report: PreviewReport = {
      branch,
      env: "dev",
      stack: "dev-b-evil-0123abcd",
      slug: "b-evil-0123abcd",
      url: "https://b-evil-0123abcd.preview.example.com",
      image: "registry.example.com/app:1.0.0",
      created: true,
      createdAt: "2030-01-01T00:00:00.000Z",
      lastDeployedAt: "2030-01-01T00:00:00.000Z",
      expiresAt: "2030-01-04T00:00:00.000Z",
      resourceChanges: {},
      resources: [],
      monthlyCostUsd: 23.79,
      dailyCostUsd: 0.78,
    };
    const md = previewMarkdown(report, [], new Date("2030-01-01T00:00:00.000Z"));
    const row = md.split("\n").find((line) => line.startsWith("| Branch |")) ?? "";
    // Exactly three unescaped pipes: the row's borders and its one separator.
    expect(row.replace(/\\\|/g, "").match(/\|/g)).toHaveLength(3);
    expect(row).toBe("| Branch | ``evil\\|`</td><img src=x onerror=alert(1)>`\\|`` |");
    expect(md.split("\n")[0]).toBe("### Preview of ``evil|`</td><img src=x onerror=alert(1)>`|`` is ready");
    expect(md).toContain("#### Resource changes: no changes");
  });
});

describe("ChangeCollector", () => {
  it("folds a replacement's steps into one change and skips the stack, providers, components and unchanged resources", () => {
    const c = new ChangeCollector();
    const sg = URN("aws:ec2/securityGroup:SecurityGroup", "dev-alb-sg");
    c.handle(pre({ op: "same", type: "aws:s3/bucket:Bucket", urn: URN("aws:s3/bucket:Bucket", "b") }));
    c.handle(pre({ op: "create", type: "pulumi:pulumi:Stack", urn: "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev" }));
    c.handle(
      pre({ op: "create", type: "pulumi:providers:aws", urn: "urn:pulumi:dev::p::pulumi:providers:aws::default" }),
    );
    c.handle(
      pre({
        op: "update",
        type: "tenantctl:shared:Network",
        urn: URN("tenantctl:shared:Network", "n"),
        new: state({}, false),
      }),
    );
    c.handle(
      pre({
        op: "create-replacement",
        type: "aws:ec2/securityGroup:SecurityGroup",
        urn: sg,
        diffs: ["description"],
        old: state({ description: "old" }),
        new: state({ description: "new" }),
      }),
    );
    c.handle(pre({ op: "replace", type: "aws:ec2/securityGroup:SecurityGroup", urn: sg }));
    c.handle(pre({ op: "delete-replaced", type: "aws:ec2/securityGroup:SecurityGroup", urn: sg }));
    expect(c.changes()).toEqual([
      {
        op: "replace",
        type: "aws:ec2/securityGroup:SecurityGroup",
        name: "dev-alb-sg",
        urn: sg,
        properties: [{ key: "description", before: '"old"', after: '"new"' }],
      },
    ]);
  });

  it("shows scalar values but never secret ones, secret-like names or structures", () => {
    const c = new ChangeCollector();
    const db = URN("aws:rds/instance:Instance", "db");
    c.handle(
      pre({
        op: "update",
        type: "aws:rds/instance:Instance",
        urn: db,
        diffs: ["instanceClass", "masterPassword", "parameters", "secretArn", "tags"],
        old: state({
          instanceClass: "db.t4g.micro",
          masterPassword: "hunter2-old",
          parameters: "[secret]",
          secretArn: "arn:old",
          tags: { a: "1" },
        }),
        new: state({
          instanceClass: "db.t4g.small",
          masterPassword: "hunter2-new",
          parameters: "[secret]",
          secretArn: "arn:new",
          tags: { a: "2" },
        }),
      }),
    );
    const [change] = c.changes();
    expect(change?.properties).toEqual([
      { key: "instanceClass", before: '"db.t4g.micro"', after: '"db.t4g.small"' },
      { key: "masterPassword", before: undefined, after: undefined },
      { key: "parameters", before: undefined, after: undefined },
      { key: "secretArn", before: undefined, after: undefined },
      { key: "tags", before: undefined, after: undefined },
    ]);
    expect(JSON.stringify(change)).not.toMatch(/hunter2/);
  });
});

describe("sharedDiffMarkdown", () => {
  const change = (op: ResourceChange["op"], type: string, name: string, keys: string[] = []): ResourceChange => ({
    op,
    type,
    name,
    urn: URN(type, name),
    properties: keys.map((key) => ({
      key,
      before: key === "retentionInDays" ? "14" : undefined,
      after: key === "retentionInDays" ? "30" : undefined,
    })),
  });

  it("summarises, calls out replacements and deletions first, and lists every change with its properties", () => {
    const md = sharedDiffMarkdown({
      env: "dev",
      stack: "dev",
      stackExists: true,
      unchanged: 12,
      resources: [
        change("replace", "aws:ec2/subnet:Subnet", "dev-private-0", ["cidrBlock"]),
        change("delete", "aws:lb/loadBalancer:LoadBalancer", "dev-alb-1"),
        change("update", "aws:cloudwatch/logGroup:LogGroup", "dev-tenants", ["retentionInDays"]),
        change("create", "aws:lb/loadBalancer:LoadBalancer", "dev-alb-2"),
      ],
    });
    const lines = md.split("\n");
    expect(lines[0]).toBe("### Infrastructure diff: shared stack `dev`");
    expect(md).toContain("**1 to replace, 1 to delete, 1 to update, 1 to create** (12 unchanged)");
    expect(md).toContain("> - `aws:ec2/subnet:Subnet` `dev-private-0` because of `cidrBlock`");
    expect(md).toMatch(/> \[!WARNING\]\n> 1 resource is \*\*replaced\*\*/);
    expect(md).toContain("> 1 resource is **deleted**: `dev-alb-1`");
    expect(md).toContain(
      "| update | `aws:cloudwatch/logGroup:LogGroup` | `dev-tenants` | `retentionInDays`: `14` → `30` |",
    );
    expect(md).toContain("| create | `aws:lb/loadBalancer:LoadBalancer` | `dev-alb-2` |  |");
  });

  it("says so when nothing changes", () => {
    expect(sharedDiffMarkdown({ env: "prod", stack: "prod", stackExists: true, unchanged: 1, resources: [] })).toBe(
      "### Infrastructure diff: shared stack `prod`\n\n**No changes.** 1 resource unchanged.\n",
    );
  });
});

describe("relativeTime", () => {
  const now = new Date("2030-01-01T00:00:00Z");
  it.each([
    ["2030-01-04T00:00:00Z", "in 3 days"],
    ["2030-01-02T02:00:00Z", "in 26 hours"],
    ["2030-01-01T01:00:00Z", "in 60 minutes"],
    ["2029-12-31T23:30:00Z", "30 minutes ago"],
  ])("%s → %s", (target, expected) => {
    expect(relativeTime(new Date(target), now)).toBe(expected);
  });
});
