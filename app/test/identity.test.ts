import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { loadConfig } from "../src/config";
import { readIdentity, RuntimeIdentity, type Identity } from "../src/identity";
import { startServer } from "../src/server";
import { SecretFormatError } from "../src/secrets";
import { AUTH, appUnderTest } from "./support/app-under-test";
import { LogCapture } from "./support/logs";
import { freshPgliteDir } from "./support/pglite-dirs";

const ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:tq3x7k2mzpa-identity-abc1234-AbCdEf";
const UNASSIGNED = { state: "unassigned", tenantId: "tq3x7k2mzpa" };
const ACME = {
  state: "assigned",
  tenantId: "tq3x7k2mzpa",
  slug: "acme",
  displayName: "ACME Corp",
  primaryColor: "#ff6600",
};

describe("reading the identity secret", () => {
  const sm = mockClient(SecretsManagerClient);
  const client = new SecretsManagerClient({ region: "eu-west-1" });
  afterEach(() => sm.reset());

  it("reads both states of the document infra/tenant/identity.ts writes", async () => {
    sm.on(GetSecretValueCommand, { SecretId: ARN }).resolves({ SecretString: JSON.stringify(UNASSIGNED) });
    await expect(readIdentity(client, ARN)).resolves.toEqual(UNASSIGNED);
    sm.on(GetSecretValueCommand, { SecretId: ARN }).resolves({
      SecretString: JSON.stringify({ ...ACME, logoUrl: "https://cdn.example.com/a.png" }),
    });
    await expect(readIdentity(client, ARN)).resolves.toEqual({
      state: "assigned",
      tenantId: "tq3x7k2mzpa",
      slug: "acme",
      skin: { displayName: "ACME Corp", primaryColor: "#ff6600", logoUrl: "https://cdn.example.com/a.png" },
    });
  });

  it("refuses a document that would be unsafe in the page, naming the field", async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ ...ACME, primaryColor: "red;}</style>" }) });
    const err = await readIdentity(client, ARN).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretFormatError);
    expect(String(err)).toContain("primaryColor");
    sm.on(GetSecretValueCommand).resolves({ SecretString: "not json" });
    await expect(readIdentity(client, ARN)).rejects.toThrow(/identity is not JSON/);
  });
});

describe("RuntimeIdentity", () => {
  const setup = () => {
    let clock = 0;
    let doc: Identity | Error = { state: "unassigned", tenantId: "tq3x7k2mzpa" };
    const errors: unknown[] = [];
    const identity = new RuntimeIdentity(() => (doc instanceof Error ? Promise.reject(doc) : Promise.resolve(doc)), {
      maxAgeMs: 30_000,
      unassignedRetryMs: 2_000,
      now: () => clock,
      onError: (e) => errors.push(e),
    });
    return {
      identity,
      errors,
      tick: (ms: number) => {
        clock += ms;
      },
      set: (next: Identity | Error) => {
        doc = next;
      },
    };
  };
  const acme: Identity = {
    state: "assigned",
    tenantId: "tq3x7k2mzpa",
    slug: "acme",
    skin: { displayName: "ACME Corp", primaryColor: "#ff6600", logoUrl: undefined },
  };

  it("reads an unassigned slot again soon, an assigned tenant only when its copy is old", async () => {
    const t = setup();
    expect((await t.identity.current()).state).toBe("unassigned");
    t.set(acme);
    t.tick(1_999);
    expect((await t.identity.current()).state).toBe("unassigned");
    t.tick(1);
    expect(await t.identity.current()).toEqual(acme);
    t.set({ ...acme, skin: { ...acme.skin, displayName: "ACME Inc" } });
    t.tick(29_999);
    expect(await t.identity.current()).toMatchObject({ skin: { displayName: "ACME Corp" } });
    t.tick(1);
    expect(await t.identity.current()).toMatchObject({ skin: { displayName: "ACME Inc" } });
    // At start, when the unassigned copy was 2 s old, and when the assigned copy was 30 s old.
    expect(t.identity.readCount).toBe(3);
  });

  it("keeps serving the last identity when a read fails, and fails only when none was ever read", async () => {
    const t = setup();
    t.set(new Error("Secrets Manager unreachable"));
    await expect(t.identity.current()).rejects.toThrow(/unreachable/);
    t.set(acme);
    expect(await t.identity.current()).toEqual(acme);
    t.set(new Error("throttled"));
    t.tick(30_000);
    expect(await t.identity.current()).toEqual(acme);
    expect(t.errors.map(String)).toEqual(["Error: throttled"]);
  });

  it("shares one read between concurrent callers", async () => {
    const t = setup();
    await Promise.all([t.identity.current(), t.identity.current(), t.identity.current()]);
    expect(t.identity.readCount).toBe(1);
  });
});

describe("a pool-born tenant's app", () => {
  it("serves only its health checks while unassigned and its tenant's page once claimed, without a restart", async () => {
    let clock = 0;
    let doc: Identity = { state: "unassigned", tenantId: "tq3x7k2mzpa" };
    const identity = new RuntimeIdentity(() => Promise.resolve(doc), {
      maxAgeMs: 30_000,
      unassignedRetryMs: 2_000,
      now: () => clock,
    });
    const t = await appUnderTest("pglite", { identity });
    try {
      expect((await t.app.inject({ url: "/healthz" })).statusCode).toBe(200);
      expect((await t.app.inject({ url: "/readyz" })).statusCode).toBe(200);
      const page = await t.app.inject({ url: "/" });
      expect(page.statusCode).toBe(404);
      expect(page.json()).toEqual({ error: "not_assigned", message: "this slot is not assigned to a tenant yet" });
      expect((await t.app.inject({ url: "/api/items", headers: AUTH })).statusCode).toBe(404);

      doc = {
        state: "assigned",
        tenantId: "tq3x7k2mzpa",
        slug: "acme",
        skin: { displayName: "ACME Corp", primaryColor: "#ff6600", logoUrl: undefined },
      };
      clock += 2_000;
      const claimed = await t.app.inject({ url: "/" });
      expect(claimed.statusCode).toBe(200);
      expect(claimed.body).toContain("<h1>ACME Corp</h1>");
      expect(claimed.body).toContain("--primary:#ff6600");
    } finally {
      await t.close();
    }
  });

  it("reads its identity from the secret at start (TENANT_IDENTITY_SECRET_ARN) and needs no slug in its environment", async () => {
    const sm = mockClient(SecretsManagerClient);
    sm.on(GetSecretValueCommand, { SecretId: ARN }).resolves({ SecretString: JSON.stringify(ACME) });
    const data = await freshPgliteDir();
    const config = loadConfig({
      PGLITE_DATA_DIR: data.dir,
      TENANT_ID: "tq3x7k2mzpa",
      TENANT_IDENTITY_SECRET_ARN: ARN,
      AWS_REGION: "eu-west-1",
      ADMIN_TOKEN: "a-very-long-admin-token",
      PORT: "0",
      HOST: "127.0.0.1",
    });
    expect(config.identitySecret).toEqual({ arn: ARN, tenantId: "tq3x7k2mzpa", maxAgeMs: 30_000 });
    const server = await startServer(config, {
      secretsClient: new SecretsManagerClient({ region: "eu-west-1" }),
      logDestination: new LogCapture(),
    });
    try {
      const res = await server.app.inject({ url: "/" });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain("<h1>ACME Corp</h1>");
    } finally {
      await server.close();
      sm.restore();
      data.cleanup();
    }
  });

  it("refuses to start without TENANT_ID next to the identity secret, or without a slug when there is no secret", () => {
    expect(() =>
      loadConfig({ TENANT_IDENTITY_SECRET_ARN: ARN, AWS_REGION: "eu-west-1", ADMIN_TOKEN: "a-very-long-admin-token" }),
    ).toThrow(/TENANT_ID: is required when TENANT_IDENTITY_SECRET_ARN is set/);
    expect(() => loadConfig({ ADMIN_TOKEN: "a-very-long-admin-token" })).toThrow(
      /TENANT_SLUG: is required; TENANT_DISPLAY_NAME: is required/,
    );
  });
});
