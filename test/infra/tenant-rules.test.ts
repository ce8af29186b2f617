import { SpecSharedMismatchError } from "../../infra/errors";
import {
  bootstrapContainerDefinitions,
  bootstrapEnvironment,
  containerDefinitions,
  containerEnvironment,
  CONTAINER_USER,
  RDS_CA_BUNDLE_PATH,
} from "../../infra/tenant/container";
import { partitionOf, tenantContext } from "../../infra/tenant/context";
import { tenantTags } from "../../infra/tags";
import { bootstrapSecretsPolicy, ecsTasksTrustPolicy, readSecretsPolicy } from "../../infra/tenant/policies";
import { previewSpec, sharedOutputs, tenantSpec } from "./fixtures";

const MASTER_SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1111-AbCdEf";
const values = {
  dbHost: "acme-db1234567.cabc.us-east-1.rds.amazonaws.com",
  dbPort: 5432,
  appDbSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:acme-db-app-7654321-QwErTy",
  adminTokenSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:acme-admin-token-1234567-XyZ123",
};

describe("tenantContext", () => {
  it("derives host, url, image and tags from the spec", () => {
    const ctx = tenantContext(tenantSpec({ pinnedImage: "registry.example.com/app:pinned" }), sharedOutputs());
    expect(ctx.url).toBe("https://acme.tenants.example.com");
    expect(ctx.image).toBe("registry.example.com/app:pinned");
    expect(ctx.loadBalancer.id).toBe("alb-0");
    expect(ctx.protectData).toBe(true);
    expect(ctx.tags).toEqual({ tenant: "acme", env: "dev", tier: "standard", "managed-by": "tenantctl" });
  });

  it("puts previews one label down, unprotected, with an expiry tag", () => {
    const ctx = tenantContext(previewSpec(), sharedOutputs());
    expect(ctx.host).toBe("feature-login-1a2b3c.preview.tenants.example.com");
    expect(ctx.protectData).toBe(false);
    expect(tenantTags(ctx.spec)["expires-at"]).toBe("2026-12-01T00:00:00Z");
  });

  it("picks the load balancer the spec names", () => {
    expect(tenantContext(tenantSpec({ loadBalancer: "alb-1" }), sharedOutputs()).loadBalancer.id).toBe("alb-1");
  });

  it("refuses a spec that does not fit the shared stack, listing every reason", () => {
    const act = () => tenantContext(tenantSpec({ env: "prod", loadBalancer: "alb-7" }), sharedOutputs());
    expect(act).toThrow(SpecSharedMismatchError);
    try {
      act();
    } catch (error) {
      expect((error as SpecSharedMismatchError).problems).toEqual([
        'env: "prod" does not match the shared stack\'s env (allowed: "dev")',
        'loadBalancer: "alb-7" is not in the shared stack (allowed: alb-0, alb-1)',
      ]);
    }
  });

  it("refuses a host longer than a listener rule accepts", () => {
    const shared = sharedOutputs({ baseDomain: `${"d".repeat(60)}.${"d".repeat(55)}.example.com` });
    expect(() => tenantContext(tenantSpec(), shared)).toThrow(/host-header/);
  });

  it("reads the partition from an ARN", () => {
    expect(partitionOf("arn:aws-us-gov:ecs:us-gov-west-1:123456789012:cluster/x")).toBe("aws-us-gov");
    expect(partitionOf("arn:aws:ecs:us-east-1:123456789012:cluster/x")).toBe("aws");
  });
});

describe("container definition", () => {
  const ctx = tenantContext(tenantSpec(), sharedOutputs());

  it("passes the app exactly what it reads, secrets only as ARNs", () => {
    const env = Object.fromEntries(containerEnvironment(ctx, values).map((e) => [e.name, e.value]));
    expect(env).toEqual({
      ADMIN_TOKEN_SECRET_ARN: values.adminTokenSecretArn,
      AWS_REGION: "us-east-1",
      DB_HOST: values.dbHost,
      DB_NAME: "app",
      DB_PORT: "5432",
      DB_SECRET_ARN: values.appDbSecretArn,
      DB_SSL_CA_FILE: RDS_CA_BUNDLE_PATH,
      PORT: "8080",
      SKIN_LOGO_URL: "https://cdn.example.com/acme.png",
      SKIN_PRIMARY_COLOR: "#1a73e8",
      TENANT_DISPLAY_NAME: `ACME "Zoë" & Co ☕`,
      TENANT_SLUG: "acme",
    });
    for (const [name, value] of Object.entries(env)) {
      expect(name).not.toMatch(/PASSWORD|TOKEN$|SECRET$|KEY$/);
      if (name.endsWith("_SECRET_ARN")) expect(value).toMatch(/^arn:aws:secretsmanager:/);
    }
  });

  it("leaves SKIN_LOGO_URL out when the spec has no logo", () => {
    const plain = tenantContext(tenantSpec({ skin: { primaryColor: "#000000" } }), sharedOutputs());
    expect(containerEnvironment(plain, values).map((e) => e.name)).not.toContain("SKIN_LOGO_URL");
  });

  it("runs non-root on a read-only root filesystem with bounded stop time and central logs", () => {
    const [def] = JSON.parse(containerDefinitions(ctx, values)) as Record<string, unknown>[];
    expect(def).toMatchObject({
      user: CONTAINER_USER,
      readonlyRootFilesystem: true,
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": "/tenantctl/dev/apps",
          "awslogs-stream-prefix": "tenant-acme",
          mode: "non-blocking",
        },
      },
    });
    expect(def?.["stopTimeout"]).toBeLessThanOrEqual(120);
    expect(def?.["secrets"]).toBeUndefined();
    expect(CONTAINER_USER).not.toMatch(/^(0|root)(:|$)/);
  });

  it("serialises the same spec to the same bytes", () => {
    expect(containerDefinitions(ctx, values)).toBe(
      containerDefinitions(tenantContext(tenantSpec(), sharedOutputs()), values),
    );
  });

  it("connects with TLS against the CA bundle the image ships", () => {
    expect(RDS_CA_BUNDLE_PATH).toBe("/app/certs/rds-global-bundle.pem");
  });
});

describe("bootstrap container definition", () => {
  const ctx = tenantContext(tenantSpec(), sharedOutputs());
  const boot = {
    dbHost: values.dbHost,
    dbPort: 5432,
    masterSecretArn: MASTER_SECRET_ARN,
    appDbSecretArn: values.appDbSecretArn,
  };

  it("passes app/src/bootstrap.ts what it reads: the master secret to log in, the app secret to write", () => {
    expect(Object.fromEntries(bootstrapEnvironment(ctx, boot).map((e) => [e.name, e.value]))).toEqual({
      AWS_REGION: "us-east-1",
      DB_APP_USERNAME: "app",
      DB_HOST: values.dbHost,
      DB_MASTER_SECRET_ARN: MASTER_SECRET_ARN,
      DB_NAME: "app",
      DB_PORT: "5432",
      DB_SECRET_ARN: values.appDbSecretArn,
      DB_SSL_CA_FILE: RDS_CA_BUNDLE_PATH,
      TENANT_SLUG: "acme",
    });
  });

  it("runs the image's second entry point, non-root, read-only, logging where the task runner reads", () => {
    const [def] = JSON.parse(bootstrapContainerDefinitions(ctx, boot)) as Record<string, unknown>[];
    expect(def).toMatchObject({
      name: "bootstrap",
      image: ctx.image,
      command: ["node", "dist/bootstrap.js"],
      user: CONTAINER_USER,
      readonlyRootFilesystem: true,
      logConfiguration: { options: { "awslogs-group": "/tenantctl/dev/apps", "awslogs-stream-prefix": "tenant-acme" } },
    });
    expect(def?.["portMappings"]).toBeUndefined();
  });
});

describe("IAM documents", () => {
  it("lets only this account's ECS assume the roles", () => {
    const doc = ecsTasksTrustPolicy({ partition: "aws", region: "us-east-1", accountId: "123456789012" });
    expect(doc.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: "ecs-tasks.amazonaws.com" },
        Condition: {
          StringEquals: { "aws:SourceAccount": "123456789012" },
          ArnLike: { "aws:SourceArn": "arn:aws:ecs:us-east-1:123456789012:*" },
        },
      }),
    ]);
  });

  it("grants reads on exactly the given secrets", () => {
    const doc = readSecretsPolicy([values.appDbSecretArn, values.adminTokenSecretArn]);
    expect(doc.Statement).toHaveLength(1);
    expect(doc.Statement[0]?.Resource).toEqual([values.adminTokenSecretArn, values.appDbSecretArn].sort());
    expect(doc.Statement[0]?.Action).toEqual(["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]);
  });

  it("lets the bootstrap task read the master secret and set only the app secret", () => {
    const doc = bootstrapSecretsPolicy(MASTER_SECRET_ARN, values.appDbSecretArn);
    expect(doc.Statement).toEqual([
      expect.objectContaining({ Action: ["secretsmanager:GetSecretValue"], Resource: [MASTER_SECRET_ARN] }),
      expect.objectContaining({
        Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue"],
        Resource: [values.appDbSecretArn],
      }),
    ]);
    expect(() => bootstrapSecretsPolicy(MASTER_SECRET_ARN, "*")).toThrow(/not a list of exact secret ARNs/);
  });

  it.each([[[]], [["*"]], [["arn:aws:secretsmanager:us-east-1:123456789012:secret:acme-*"]]])(
    "refuses %j, which is not a list of exact ARNs",
    (arns) => {
      expect(() => readSecretsPolicy(arns)).toThrow(/not a list of exact secret ARNs/);
    },
  );
});
