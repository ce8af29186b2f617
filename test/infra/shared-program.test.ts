import { synthesize, type SynthResult } from "../../infra/sim/synth";
import { parseSharedConfig, type SharedConfigInput } from "../../infra/shared/config";
import { parseSharedOutputs, SHARED_OUTPUT_KEYS } from "../../infra/shared/outputs";
import { sharedProgram } from "../../infra/shared/program";
import { TLS_POLICY } from "../../infra/shared/load-balancer";
import { ACCOUNT } from "./fixtures";
import { all, one } from "./synth-helpers";

function synthShared(input: Partial<SharedConfigInput> & { env: string }): Promise<SynthResult> {
  const config = parseSharedConfig({ region: ACCOUNT.region, baseDomain: "tenants.example.com", ...input });
  return synthesize(sharedProgram(config), { project: "tenantctl-shared", stack: config.env, ctx: ACCOUNT });
}

describe("shared program (dev, image built from app/)", () => {
  let result: SynthResult;
  beforeAll(async () => {
    result = await synthShared({ env: "dev" });
  });

  it("breaks no AWS rule and exports every SharedOutputs key in a shape tenants accept", () => {
    expect(result.violations).toEqual([]);
    expect(Object.keys(result.outputs).sort()).toEqual(SHARED_OUTPUT_KEYS.filter((k) => k !== "hostedZoneId").sort());
    const outputs = parseSharedOutputs(result.outputs);
    expect(outputs.loadBalancers.map((lb) => lb.id)).toEqual(["alb-0"]);
    expect(outputs.privateSubnetIds.length).toBeGreaterThanOrEqual(2);
    expect(outputs.logGroupName).toBe("/tenantctl/dev/apps");
  });

  it("builds a two-AZ VPC with private subnets and one NAT gateway", () => {
    expect(one(result, "awsx:ec2:Vpc").inputs).toMatchObject({
      cidrBlock: "10.0.0.0/16",
      numberOfAvailabilityZones: 2,
      natGateways: { strategy: "Single" },
    });
    const vpc = one(result, "awsx:ec2:Vpc");
    expect(one(result, "aws:rds/subnetGroup:SubnetGroup").inputs["subnetIds"]).toEqual(vpc.outputs["privateSubnetIds"]);
  });

  it("turns on Container Insights and keeps logs for the configured time", () => {
    expect(one(result, "aws:ecs/cluster:Cluster").inputs["settings"]).toEqual([
      { name: "containerInsights", value: "enabled" },
    ]);
    expect(one(result, "aws:cloudwatch/logGroup:LogGroup", "tenantctl-dev-apps").inputs["retentionInDays"]).toBe(30);
  });

  it("keeps images immutable and scanned, and builds the app for the tasks' architecture", () => {
    expect(one(result, "aws:ecr/repository:Repository").inputs).toMatchObject({
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
    });
    expect(one(result, "awsx:ecr:Image").inputs).toMatchObject({
      context: "app",
      dockerfile: "app/Dockerfile",
      platform: "linux/amd64",
      imageTag: expect.stringMatching(/^src-[0-9a-f]{12}$/),
    });
  });

  it("serves HTTPS with TLS 1.2+ and a 404 default, redirects HTTP with a 301", () => {
    const alb = one(result, "aws:lb/loadBalancer:LoadBalancer").inputs;
    expect(alb).toMatchObject({ internal: false, dropInvalidHeaderFields: true, enableDeletionProtection: false });
    const listeners = all(result, "aws:lb/listener:Listener").map((l) => l.inputs);
    expect(listeners).toContainEqual(
      expect.objectContaining({
        port: 443,
        protocol: "HTTPS",
        sslPolicy: TLS_POLICY,
        defaultActions: [
          expect.objectContaining({
            type: "fixed-response",
            fixedResponse: expect.objectContaining({ statusCode: "404" }),
          }),
        ],
      }),
    );
    expect(listeners).toContainEqual(
      expect.objectContaining({
        port: 80,
        defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
      }),
    );
  });

  it("covers tenants and previews with one certificate; without a zone it waits for validation of records published elsewhere", () => {
    expect(one(result, "aws:acm/certificate:Certificate").inputs).toMatchObject({
      domainName: "*.tenants.example.com",
      subjectAlternativeNames: ["*.preview.tenants.example.com"],
      validationMethod: "DNS",
    });
    expect(
      one(result, "aws:acm/certificateValidation:CertificateValidation").inputs.validationRecordFqdns,
    ).toBeUndefined();
    expect(all(result, "aws:route53/record:Record")).toEqual([]);
    expect(result.outputs.certificateValidationRecords).toEqual([
      expect.objectContaining({
        domainName: "*.tenants.example.com",
        type: "CNAME",
        name: expect.stringMatching(/\.tenants\.example\.com\.$/),
      }),
      expect.objectContaining({
        domainName: "*.preview.tenants.example.com",
        type: "CNAME",
        name: expect.stringMatching(/\.preview\.tenants\.example\.com\.$/),
      }),
    ]);
  });

  it("opens the ALB to the internet on 80/443 only and lets it reach tasks only on the app port", () => {
    const ingress = all(result, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map(
      (r) => r.inputs["fromPort"],
    );
    expect(ingress.sort()).toEqual([443, 80]);
    expect(one(result, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").inputs).toMatchObject({
      fromPort: 8080,
      toPort: 8080,
      cidrIpv4: "10.0.0.0/16",
    });
  });

  it("runs tenants' bootstrap tasks through one task-runner Lambda with a least-privilege role and a bootstrap execution role", () => {
    const fn = one(result, "aws:lambda/function:Function");
    expect(fn.inputs).toMatchObject({
      name: "tenantctl-dev-task-runner",
      runtime: "nodejs22.x",
      handler: "index.handler",
      timeout: 900,
    });
    expect(result.outputs["taskRunnerFunctionName"]).toBe("tenantctl-dev-task-runner");
    const ownLogs = one(result, "aws:cloudwatch/logGroup:LogGroup", "tenantctl-dev-task-runner-logs");
    expect(ownLogs.inputs).toMatchObject({ name: "/aws/lambda/tenantctl-dev-task-runner", retentionInDays: 30 });
    const bootExec = one(result, "aws:iam/role:Role", "tenantctl-dev-task-runner-boot-exec");
    expect(bootExec.inputs["path"]).toBe("/tenantctl/dev/bootstrap/");
    expect(result.outputs["bootstrapExecutionRoleArn"]).toBe(bootExec.outputs["arn"]);
    expect(String(bootExec.outputs["arn"])).toMatch(/^arn:aws:iam::123456789012:role\/tenantctl\/dev\/bootstrap\//);
    const policy = JSON.parse(
      String(one(result, "aws:iam/rolePolicy:RolePolicy", "tenantctl-dev-task-runner-policy").inputs["policy"]),
    ) as { Statement: { Sid: string; Resource: unknown }[] };
    expect(policy.Statement.find((st) => st.Sid === "PassOnlyBootstrapRolesToEcsTasks")?.Resource).toBe(
      "arn:aws:iam::123456789012:role/tenantctl/dev/bootstrap/*",
    );
  });

  it("tags every taggable resource as the shared layer", () => {
    for (const r of result.resources.filter((x) => x.type.startsWith("aws:") && x.inputs["tags"] !== undefined)) {
      expect(r.inputs["tags"]).toEqual({ tenant: "shared", env: "dev", tier: "shared", "managed-by": "tenantctl" });
    }
  });
});

describe("shared program (prod)", () => {
  it("spreads over AZs, protects the ALBs, shards tenants over several and validates the certificate in DNS", async () => {
    const result = await synthShared({
      env: "prod",
      azCount: 3,
      natStrategy: "onePerAz",
      albCount: 2,
      hostedZoneId: "Z0123456789ABCDEFGHIJ",
      imageUri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1",
      logRetentionDays: 365,
    });
    expect(result.violations).toEqual([]);
    expect(one(result, "awsx:ec2:Vpc").inputs).toMatchObject({
      numberOfAvailabilityZones: 3,
      natGateways: { strategy: "OnePerAz" },
    });
    const albs = all(result, "aws:lb/loadBalancer:LoadBalancer");
    expect(albs).toHaveLength(2);
    for (const alb of albs) expect(alb.inputs["enableDeletionProtection"]).toBe(true);
    expect(all(result, "awsx:ecr:Image")).toEqual([]);
    expect(all(result, "aws:route53/record:Record")).toHaveLength(2);
    const validation = one(result, "aws:acm/certificateValidation:CertificateValidation");
    expect(validation.inputs["validationRecordFqdns"]).toHaveLength(2);
    const outputs = parseSharedOutputs(result.outputs);
    expect(outputs.loadBalancers.map((lb) => lb.id)).toEqual(["alb-0", "alb-1"]);
    expect(outputs.imageUri).toBe("123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1");
    expect(outputs.hostedZoneId).toBe("Z0123456789ABCDEFGHIJ");
  });
});
