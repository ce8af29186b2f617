import type { EngineEvent } from "@pulumi/pulumi/automation";
import { tenantContext } from "../../infra/tenant/context";
import { TenantDatabase } from "../../infra/tenant/database";
import { tenantProgram } from "../../infra/tenant/program";
import { TenantRouting } from "../../infra/tenant/routing";
import { TenantSecrets } from "../../infra/tenant/secrets";
import { TenantService } from "../../infra/tenant/service";
import type { SharedOutputs } from "../../infra/shared/outputs";
import type { TenantSpec } from "../../infra/spec";
import { sharedOutputs, tenantSpec } from "../infra/fixtures";
import { accountResources } from "../support/standin-account";
import { createStandinWorld, type StandinWorld } from "../support/standin-harness";

const PROJECT = "tenantctl-tenants";
jest.setTimeout(300_000);

/**
 * The tenant program as it was before the app had its own database role, rebuilt from today's components: the
 * service is handed the RDS master secret (task role and DB_SECRET_ARN) and nothing bootstraps the database.
 * (Today's TenantSecrets also creates the empty app secret, which the old program did not; the move is otherwise
 * the one an existing tenant makes.)
 */
function legacyTenantProgram(spec: TenantSpec, shared: SharedOutputs) {
  return async () => {
    const ctx = tenantContext(spec, shared);
    const name = ctx.names.component;
    const secrets = new TenantSecrets(name, { context: ctx });
    const routing = new TenantRouting(name, { context: ctx });
    const database = new TenantDatabase(name, { context: ctx, clientSecurityGroupId: routing.serviceSecurityGroupId });
    new TenantService(name, {
      context: ctx,
      securityGroupId: routing.serviceSecurityGroupId,
      targetGroupArn: routing.targetGroupArn,
      listenerRule: routing.listenerRule,
      database: { address: database.address, port: database.port },
      appDbSecretArn: database.masterSecretArn,
      adminTokenSecretArn: secrets.adminTokenSecretArn,
      bootstrap: routing.listenerRule,
    });
    return { spec: ctx.spec, databaseSecretArn: database.masterSecretArn };
  };
}

describe("an existing tenant moves from the master secret to the app role (stand-in, real Automation API)", () => {
  let world: StandinWorld;
  beforeAll(() => {
    world = createStandinWorld();
  });
  afterAll(() => world.cleanup());

  const mine = (type: string) =>
    accountResources(world.backendDir).filter((r) => r.stack === `${PROJECT}/dev-acme` && r.type === type);
  const serviceEnv = () => {
    const service = mine("aws:ecs/service:Service")[0];
    const def = mine("aws:ecs/taskDefinition:TaskDefinition").find(
      (d) => d.outputs["arn"] === service?.inputs["taskDefinition"],
    );
    const [container] = JSON.parse(String(def?.inputs["containerDefinitions"])) as {
      environment: { name: string; value: string }[];
    }[];
    return Object.fromEntries((container?.environment ?? []).map((e) => [e.name, e.value]));
  };
  const taskPolicy = () =>
    String(mine("aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "acme-task-secrets")?.inputs["policy"]);

  it("keeps the database, runs the bootstrap before the service changes, then serves with the app secret", async () => {
    const spec = tenantSpec();
    const shared = sharedOutputs();
    const before = await world.stack(PROJECT, "dev-acme", legacyTenantProgram(spec, shared));
    await before.setAllConfig({ "aws:region": { value: shared.region } });
    const old = await before.up();
    const master = String(old.outputs["databaseSecretArn"]?.value);
    expect(serviceEnv()["DB_SECRET_ARN"]).toBe(master);
    expect(taskPolicy()).toContain(master);
    const db = mine("aws:rds/instance:Instance")[0];

    const events: EngineEvent[] = [];
    const after = await world.stack(PROJECT, "dev-acme", tenantProgram(spec, shared));
    await after.up({ onEvent: (e) => events.push(e) });

    // The data stays: the same instance, never replaced or deleted.
    const steps = events.flatMap((e) => (e.resourcePreEvent ? [e.resourcePreEvent.metadata] : []));
    expect(steps.filter((m) => m.type === "aws:rds/instance:Instance").map((m) => m.op)).toEqual(["same"]);
    expect(mine("aws:rds/instance:Instance")[0]?.id).toBe(db?.id);
    // New: the bootstrap's role, task definition and Invocation; the Invocation finished before the service changed.
    expect(steps.filter((m) => m.op === "create").map((m) => m.type)).toEqual(
      expect.arrayContaining([
        "aws:iam/role:Role",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:ecs/taskDefinition:TaskDefinition",
        "aws:lambda/invocation:Invocation",
      ]),
    );
    const order = events.flatMap((e, i) => [
      ...(e.resOutputsEvent?.metadata.type === "aws:lambda/invocation:Invocation"
        ? [{ what: "invocation done", i }]
        : []),
      ...(e.resourcePreEvent?.metadata.type === "aws:ecs/service:Service" ? [{ what: "service step", i }] : []),
    ]);
    expect(order.map((o) => o.what)).toEqual(["invocation done", "service step"]);

    const appSecret = String(
      mine("aws:secretsmanager/secret:Secret").find((s) => s.name === "acme-db-app")?.outputs["arn"],
    );
    expect(serviceEnv()["DB_SECRET_ARN"]).toBe(appSecret);
    expect(serviceEnv()["DB_SSL_CA_FILE"]).toBe("/app/certs/rds-global-bundle.pem");
    expect(taskPolicy()).not.toContain(master);
    expect(taskPolicy()).toContain(appSecret);
  });
});
