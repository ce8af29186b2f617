/**
 * AWS behaviour the simulation models over whole programs (infra/sim/behaviour.ts; docs/sim.md lists each):
 * a listener only gets an ISSUED certificate, and a task that connects to a PostgreSQL ≥ 15 instance with a default
 * parameter group (rds.force_ssl=1) uses TLS.
 */
import * as aws from "@pulumi/aws";
import { parseSharedConfig } from "../../infra/shared/config";
import { sharedProgram } from "../../infra/shared/program";
import { forcesTls } from "../../infra/sim/aws-model";
import { synthesize } from "../../infra/sim/synth";
import { tenantProgram } from "../../infra/tenant/program";
import { sharedOutputs, tenantSpec } from "../infra/fixtures";
import { ACCOUNT } from "./shared-stack";

const base = {
  env: "dev",
  region: "us-east-1",
  baseDomain: "dev.tenants.example.com",
  imageUri: "registry.example.com/app:1",
};
const rule = (name: string) => (v: { rule: string }) => v.rule === name;

async function sharedViolations(extra: Record<string, unknown>) {
  const config = parseSharedConfig({ ...base, ...extra });
  const result = await synthesize(sharedProgram(config), { project: "tenantctl-shared", stack: "dev", ctx: ACCOUNT });
  return result;
}

describe("listener certificates (ACM: PENDING_VALIDATION until validated; ELBv2: UnsupportedCertificate)", () => {
  it("the certificate the shared program requests starts PENDING_VALIDATION", async () => {
    const result = await sharedViolations({ hostedZoneId: "Z0123456789ABCDEFGHIJ" });
    const certificate = result.resources.find((r) => r.type === "aws:acm/certificate:Certificate");
    expect(certificate?.outputs.status).toBe("PENDING_VALIDATION");
  });

  it.each([
    ["with a hosted zone", { hostedZoneId: "Z0123456789ABCDEFGHIJ" }],
    ["without a hosted zone (DNS elsewhere)", {}],
  ])("the HTTPS listener waits for the certificate's validation %s", async (_label, extra) => {
    const result = await sharedViolations(extra);
    expect(result.violations.filter(rule("listener-certificate-issued"))).toEqual([]);
    const listener = result.resources.find(
      (r) => r.type === "aws:lb/listener:Listener" && r.inputs.protocol === "HTTPS",
    );
    expect(listener).toBeDefined();
  });

  it("a listener given the certificate's own ARN (not the validation's) is UnsupportedCertificate", async () => {
    const result = await synthesize(
      () => {
        const cert = new aws.acm.Certificate("c", { domainName: "*.example.com", validationMethod: "DNS" });
        new aws.acm.CertificateValidation("v", { certificateArn: cert.arn });
        new aws.lb.Listener("l", {
          loadBalancerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/1",
          port: 443,
          protocol: "HTTPS",
          certificateArn: cert.arn,
          defaultActions: [{ type: "fixed-response", fixedResponse: { statusCode: "404", contentType: "text/plain" } }],
        });
      },
      { project: "p", stack: "s", ctx: ACCOUNT },
    );
    expect(result.violations.filter(rule("listener-certificate-issued"))).toEqual([
      expect.objectContaining({
        code: "UnsupportedCertificate",
        message: expect.stringMatching(
          /^The certificate 'arn:aws:acm:us-east-1:123456789012:certificate\/[0-9a-f-]+' must have a fully-qualified domain name, a supported signature, and a supported key size\./,
        ),
      }),
    ]);
  });

  it("a certificateArn from config (an already issued certificate) gets no certificate of its own", async () => {
    const arn = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-4000-8000-000000000000";
    const result = await sharedViolations({ certificateArn: arn });
    expect(result.resources.filter((r) => r.type.startsWith("aws:acm/"))).toEqual([]);
    expect(
      result.resources.find((r) => r.type === "aws:lb/listener:Listener" && r.inputs.protocol === "HTTPS")?.inputs
        .certificateArn,
    ).toBe(arn);
    expect(result.violations).toEqual([]);
  });
});

describe("RDS PostgreSQL ≥ 15 with a default parameter group forces TLS (rds.force_ssl=1)", () => {
  it.each([
    [{ engine: "postgres", engineVersion: "16" }, true],
    [{ engine: "postgres", engineVersion: "15.4" }, true],
    [{ engine: "postgres" }, true],
    [{ engine: "postgres", engineVersion: "16", parameterGroupName: "default.postgres16" }, true],
    [{ engine: "postgres", engineVersion: "14" }, false],
    [{ engine: "postgres", engineVersion: "16", parameterGroupName: "custom-no-ssl" }, false],
    [{ engine: "mysql", engineVersion: "8.0" }, false],
  ])("%j forces TLS: %s", (inputs, expected) => {
    expect(forcesTls(inputs)).toBe(expected);
  });

  function dbProgram(env: { name: string; value: string }[]) {
    return () => {
      const db = new aws.rds.Instance("db", {
        engine: "postgres",
        engineVersion: "16",
        instanceClass: "db.t4g.micro",
        allocatedStorage: 20,
        manageMasterUserPassword: true,
        username: "app",
      });
      new aws.ecs.TaskDefinition("task", {
        family: "task",
        cpu: "256",
        memory: "512",
        requiresCompatibilities: ["FARGATE"],
        networkMode: "awsvpc",
        containerDefinitions: db.address.apply((host) =>
          JSON.stringify([{ name: "app", image: "x:1", environment: [{ name: "DB_HOST", value: host }, ...env] }]),
        ),
      });
    };
  }

  it("a task connecting without DB_SSL_CA_FILE is refused (28000)", async () => {
    const result = await synthesize(dbProgram([]), { project: "p", stack: "s", ctx: ACCOUNT });
    expect(result.violations.filter(rule("db-tls-required"))).toEqual([
      expect.objectContaining({ code: "28000", message: expect.stringMatching(/DB_SSL_CA_FILE is not set/) }),
    ]);
  });

  it("a relative DB_SSL_CA_FILE is refused too; an absolute one passes", async () => {
    const relative = await synthesize(dbProgram([{ name: "DB_SSL_CA_FILE", value: "certs/rds.pem" }]), {
      project: "p",
      stack: "s",
      ctx: ACCOUNT,
    });
    expect(relative.violations.filter(rule("db-tls-required"))).toHaveLength(1);
    const absolute = await synthesize(
      dbProgram([{ name: "DB_SSL_CA_FILE", value: "/app/certs/rds-global-bundle.pem" }]),
      { project: "p", stack: "s", ctx: ACCOUNT },
    );
    expect(absolute.violations.filter(rule("db-tls-required"))).toEqual([]);
  });

  it("the tenant program's task connects to its database with TLS", async () => {
    const result = await synthesize(tenantProgram(tenantSpec(), sharedOutputs()), {
      project: "tenantctl-tenants",
      stack: "dev-acme",
      ctx: ACCOUNT,
    });
    expect(result.violations.filter(rule("db-tls-required"))).toEqual([]);
  });
});

describe("ECS CreateService needs its target group attached to the load balancer first", () => {
  const listenerArn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/x/1/2";
  function program(waitForRule: boolean) {
    return () => {
      const tg = new aws.lb.TargetGroup("tg", { port: 8080, protocol: "HTTP", targetType: "ip", vpcId: "vpc-1" });
      const rule = new aws.lb.ListenerRule("rule", {
        listenerArn,
        priority: 10,
        actions: [{ type: "forward", targetGroupArn: tg.arn }],
        conditions: [{ hostHeader: { values: ["a.example.com"] } }],
      });
      new aws.ecs.Service(
        "svc",
        {
          cluster: "c",
          taskDefinition: "td:1",
          desiredCount: 1,
          launchType: "FARGATE",
          loadBalancers: [{ targetGroupArn: tg.arn, containerName: "app", containerPort: 8080 }],
        },
        waitForRule ? { dependsOn: [rule] } : {},
      );
    };
  }

  it("a service that does not wait for the rule forwarding to its target group is refused", async () => {
    const result = await synthesize(program(false), { project: "p", stack: "s", ctx: ACCOUNT });
    expect(result.violations.filter(rule("service-target-group-attached"))).toEqual([
      expect.objectContaining({
        code: "InvalidParameterException",
        message: expect.stringMatching(/does not have an associated load balancer/),
      }),
    ]);
  });

  it("waiting for the rule passes, and the tenant program waits for it", async () => {
    const fixture = await synthesize(program(true), { project: "p", stack: "s", ctx: ACCOUNT });
    expect(fixture.violations.filter(rule("service-target-group-attached"))).toEqual([]);
    const tenant = await synthesize(tenantProgram(tenantSpec(), sharedOutputs()), {
      project: "tenantctl-tenants",
      stack: "dev-acme",
      ctx: ACCOUNT,
    });
    expect(tenant.violations.filter(rule("service-target-group-attached"))).toEqual([]);
  });
});
