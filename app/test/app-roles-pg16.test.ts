import { escapeIdentifier, escapeLiteral } from "pg";
import { appRoleNames, ensureAppRoles } from "../src/bootstrap/app-roles";
import type { SqlClient } from "../src/bootstrap/owned-objects";
import type { Database } from "../src/db/database";
import { migrate, readMigrations } from "../src/db/migrate";
import { openPglite } from "../src/db/pglite";
import { freshPgliteDir } from "./support/pglite-dirs";

// PostgreSQL 16 changed what a CREATEROLE user may do with the roles it creates (ADMIN, but no SET, on them), and RDS
// runs 16 while the local server is 15. The embedded PostgreSQL (PGlite) is newer, so the master user's part of the
// bootstrap runs here too, as a CREATEROLE non-superuser (SET ROLE in PGlite's single session), on an oldest-kind
// tenant whose tables the master owns.
describe("the bootstrap's roles on PostgreSQL 16+ (embedded PGlite)", () => {
  let db: Database;
  let removeDir = (): void => undefined;
  const names = appRoleNames("app");
  const client = (): SqlClient => ({
    query: async <R extends object>(sql: string, params?: unknown[]) => ({ rows: await db.query<R>(sql, params) }),
    escapeIdentifier,
    escapeLiteral,
  });
  const one = async <T>(sql: string, params?: unknown[]): Promise<T | undefined> =>
    (await db.query<{ v: T }>(sql, params))[0]?.v;

  beforeAll(async () => {
    const fresh = await freshPgliteDir();
    removeDir = fresh.cleanup;
    db = await openPglite(fresh.dir);
    await db.exec("CREATE ROLE master LOGIN CREATEROLE CREATEDB");
    await db.exec("ALTER DATABASE postgres OWNER TO master");
    await db.exec("SET ROLE master");
    await migrate(db);
    await db.query("INSERT INTO items (name) VALUES ($1)", ["Legs the Frog"]);
  }, 60_000);

  afterAll(async () => {
    await db?.close();
    removeDir();
  });

  it("runs on 16 or later, with the master owning the tables", async () => {
    expect(Number(await one<string>("SELECT current_setting('server_version_num') AS v"))).toBeGreaterThanOrEqual(
      160000,
    );
    expect(await one<string>("SELECT current_user AS v")).toBe("master");
    expect(await one<string>("SELECT pg_get_userbyid(relowner) AS v FROM pg_class WHERE relname = 'items'")).toBe(
      "master",
    );
  });

  it("creates the owner and hands it the master's tables (the master must be able to SET ROLE to it first)", async () => {
    const result = await ensureAppRoles(client(), names, {
      database: "postgres",
      rotate: "app_a",
      password: "p".repeat(43),
      ownerInSecret: false,
    });
    expect(result).toMatchObject({ ownerCreated: true, ownerCanLogin: false });
    expect(result.reassigned).toBeGreaterThanOrEqual(4);
    expect(await one<string>("SELECT pg_get_userbyid(relowner) AS v FROM pg_class WHERE relname = 'items'")).toBe(
      "app",
    );
    expect(await one<string>("SELECT pg_get_userbyid(nspowner) AS v FROM pg_namespace WHERE nspname = 'public'")).toBe(
      "app",
    );
    for (const login of names.logins) {
      expect(
        await db.query(
          "SELECT m.inherit_option, m.set_option FROM pg_auth_members m WHERE m.member = $1::regrole AND m.roleid = 'app'::regrole",
          [login],
        ),
      ).toEqual([{ inherit_option: true, set_option: true }]);
    }
  });

  it("a login role migrates as the owner: the new table is the owner's and the rows are there", async () => {
    await db.exec("RESET ROLE");
    await db.exec("SET ROLE app_a");
    const next = {
      version: readMigrations().length + 1,
      name: "embedded_test_table",
      sql: "CREATE TABLE embedded_test_table (id integer)",
    };
    expect((await migrate(db, [...readMigrations(), next])).applied).toEqual([next.version]);
    expect(
      await one<string>("SELECT pg_get_userbyid(relowner) AS v FROM pg_class WHERE relname = 'embedded_test_table'"),
    ).toBe("app");
    expect(await one<string>("SELECT current_user AS v")).toBe("app_a");
    expect(await db.query("SELECT name FROM items")).toEqual([{ name: "Legs the Frog" }]);
  });
});
