import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { openPostgres } from "../src/db/postgres";
import { dollarsToCents, formToCreateInput } from "../src/items/form";
import { createLogger } from "../src/logger";
import { RotatingCredentials } from "../src/secrets";
import { AuthProxy } from "./support/auth-proxy";
import { LogCapture } from "./support/logs";

describe("log redaction", () => {
  it("censors credentials wherever a careless log call puts them", () => {
    const logs = new LogCapture();
    const logger = createLogger({ tenantSlug: "acme", level: "info", destination: logs });
    logger.info(
      {
        password: "pw-1",
        db: { password: "pw-2" },
        token: "tok-3",
        config: { adminToken: "tok-4", DATABASE_URL: "postgres://u:pw-5@h/d" },
      },
      "oops",
    );
    logger.info({ req: { headers: { authorization: "Bearer tok-6" } } }, "headers");
    for (const secret of ["pw-1", "pw-2", "tok-3", "tok-4", "pw-5", "tok-6"]) expect(logs.text).not.toContain(secret);
    expect(logs.records()[0]).toMatchObject({ tenant: "acme", password: "[redacted]", msg: "oops" });
  });
});

describe("TLS to the database", () => {
  const dir = mkdtempSync(join(tmpdir(), "ca-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("with a CA bundle configured, refuses a server that does not speak TLS instead of falling back", async () => {
    const caFile = join(dir, "rds-ca.pem");
    writeFileSync(caFile, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    // The proxy answers TLS requests with "N", as a server without TLS does; it never reaches an upstream here.
    const proxy = await AuthProxy.start("unused", "postgres://127.0.0.1:1/none");
    const credentials = new RotatingCredentials(async () => ({ username: "app", password: "unused" }));
    const db = await openPostgres({
      target: { kind: "rds", host: "127.0.0.1", port: proxy.port, database: "app", credentials },
      caFile,
      poolMax: 1,
      logger: pino({ level: "silent" }),
    });
    try {
      await expect(db.query("SELECT 1")).rejects.toThrow(/does not support SSL/);
      expect(proxy.accepted + proxy.rejected).toBe(0);
    } finally {
      await db.close();
      await proxy.close();
    }
  });
});

describe("the add form's conversions", () => {
  it("turns typed dollars into exact cents", () => {
    expect(dollarsToCents("12")).toBe(1200);
    expect(dollarsToCents("12.5")).toBe(1250);
    expect(dollarsToCents("$0.07")).toBe(7);
    expect(dollarsToCents("19.999")).toBeUndefined();
    expect(dollarsToCents("-3")).toBeUndefined();
  });

  it("drops empty fields and reports unparseable numbers by form field", () => {
    expect(
      formToCreateInput({ name: "Ally", notes: "", styleNumber: " ", tagGeneration: "4", pricePaid: "3.10" }),
    ).toEqual({
      input: { name: "Ally", tagGeneration: 4, pricePaidCents: 310 },
      errors: {},
    });
    expect(formToCreateInput({ name: "Ally", tagGeneration: "four", pricePaid: "lots" }).errors).toEqual({
      tagGeneration: "must be a whole number",
      pricePaid: "must be an amount like 12.50",
    });
  });
});
