import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { openDatabase } from "../src/db/open";
import { createLogger } from "../src/logger";
import { RotatingCredentials, SecretFormatError, readAdminToken, readDbCredentials } from "../src/secrets";
import { AuthProxy } from "./support/auth-proxy";
import { LogCapture } from "./support/logs";

const DB_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-abc";
const TOKEN_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:acme-admin";

describe("secret readers", () => {
  const sm = mockClient(SecretsManagerClient);
  const client = new SecretsManagerClient({ region: "eu-west-1" });
  afterEach(() => sm.reset());

  it("reads the RDS-managed secret's username and password", async () => {
    sm.on(GetSecretValueCommand, { SecretId: DB_ARN }).resolves({
      SecretString: JSON.stringify({ username: "app", password: "p@ss", engine: "postgres" }),
    });
    await expect(readDbCredentials(client, DB_ARN)).resolves.toEqual({ username: "app", password: "p@ss" });
  });

  it("explains a malformed secret without repeating its contents", async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: "hunter2-not-json" });
    const err = await readDbCredentials(client, DB_ARN).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretFormatError);
    expect(String(err)).toContain("not JSON");
    expect(String(err)).not.toContain("hunter2");
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ username: "app" }) });
    await expect(readDbCredentials(client, DB_ARN)).rejects.toThrow(/username and password/);
  });

  it("takes the admin token secret's SecretString as the raw token", async () => {
    sm.on(GetSecretValueCommand, { SecretId: TOKEN_ARN }).resolves({ SecretString: "  raw-token-0123456789abcdef\n" });
    await expect(readAdminToken(client, TOKEN_ARN)).resolves.toBe("raw-token-0123456789abcdef");
    sm.on(GetSecretValueCommand, { SecretId: TOKEN_ARN }).resolves({ SecretString: "short" });
    await expect(readAdminToken(client, TOKEN_ARN)).rejects.toThrow(/at least 16/);
  });

  it("caches credentials, shares one read between concurrent callers, and does not cache a failure", async () => {
    let calls = 0;
    const creds = new RotatingCredentials(async () => {
      calls += 1;
      if (calls === 1) throw new Error("throttled");
      return { username: "u", password: `p${calls}` };
    });
    await expect(creds.get()).rejects.toThrow("throttled");
    const [a, b] = await Promise.all([creds.get(), creds.get()]);
    expect(a).toEqual({ username: "u", password: "p2" });
    expect(b).toBe(a);
    creds.invalidate();
    await expect(creds.get()).resolves.toEqual({ username: "u", password: "p3" });
    expect(creds.readCount).toBe(3);
  });
});

const serverUrl = process.env["DATABASE_URL"];
const describeWithServer = serverUrl ? describe : describe.skip;

describeWithServer(`rotation of the RDS-managed password${serverUrl ? "" : " (skipped: needs DATABASE_URL)"}`, () => {
  it("re-reads the secret and reconnects when a login fails, without logging the password", async () => {
    const sm = mockClient(SecretsManagerClient);
    const proxy = await AuthProxy.start("first-password", serverUrl ?? "");
    const logs = new LogCapture();
    const logger = createLogger({ tenantSlug: "acme", level: "info", destination: logs });
    let current = "first-password";
    sm.on(GetSecretValueCommand, { SecretId: DB_ARN }).callsFake(async () => ({
      SecretString: JSON.stringify({ username: "postgres", password: current }),
    }));
    const database = new URL(serverUrl ?? "").pathname.slice(1);
    // The pool notices a cut session asynchronously; wait until it has logged every idle client it lost.
    const dropAndWait = async (lostSoFar: number) => {
      proxy.dropConnections();
      for (
        let i = 0;
        i < 500 && logs.lines.filter((l) => l.includes("idle database connection failed")).length < lostSoFar;
        i++
      ) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    const db = await openDatabase(
      { kind: "rds", host: "127.0.0.1", port: proxy.port, database, secretArn: DB_ARN, caFile: undefined, poolMax: 2 },
      () => new SecretsManagerClient({ region: "eu-west-1" }),
      logger,
    );
    try {
      expect(await db.query("SELECT 1 AS one")).toEqual([{ one: 1 }]);
      expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);

      // RDS rotates: the secret changes, old sessions end, new logins need the new password.
      current = "second-password";
      proxy.password = current;
      await dropAndWait(1);
      expect(await db.query("SELECT 2 AS two")).toEqual([{ two: 2 }]);
      expect(proxy.rejected).toBeGreaterThanOrEqual(1);
      expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);

      current = "third-password";
      proxy.password = current;
      await dropAndWait(2);
      await expect(db.transaction(async (tx) => tx.query("SELECT 3 AS three"))).resolves.toEqual([{ three: 3 }]);
      expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(3);

      expect(logs.text).toContain("re-reading the credentials secret");
      for (const secret of ["first-password", "second-password", "third-password"])
        expect(logs.text).not.toContain(secret);
    } finally {
      await db.close();
      await proxy.close();
      sm.restore();
    }
  });
});
