import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "../src/db/database";
import { isMigrated, migrate, readMigrations, type Migration } from "../src/db/migrate";
import { BACKENDS, freshDatabase, type TestDatabase } from "./support/databases";

// A second, slow migration widens the window in which three starters overlap.
const SHIPPED = readMigrations();
const NEXT = SHIPPED.length + 1;
const WITH_SLOW: readonly Migration[] = [
  ...SHIPPED,
  { version: NEXT, name: "slow_audit", sql: "SELECT pg_sleep(0.3); CREATE TABLE audit (id int PRIMARY KEY);" },
];
const ALL_VERSIONS = WITH_SLOW.map((m) => m.version);

describe.each(BACKENDS)("migrations on %s", (backend) => {
  let fresh: TestDatabase;
  const opened: Database[] = [];
  const open = async () => {
    const db = await fresh.open();
    opened.push(db);
    return db;
  };
  beforeEach(async () => {
    fresh = await freshDatabase(backend);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.close()));
    await fresh.cleanup();
  });

  it("applies each version once when three tasks start together", async () => {
    // On a server: three pools, like three tasks. PGlite is one connection per instance, so three callers share it.
    const dbs =
      backend === "postgres" ? await Promise.all([open(), open(), open()]) : await open().then((db) => [db, db, db]);
    const results = await Promise.all(dbs.map((db) => migrate(db, WITH_SLOW)));
    expect(results.map((r) => r.applied).sort((a, b) => b.length - a.length)).toEqual([ALL_VERSIONS, [], []]);
    const [db] = dbs;
    if (db === undefined) throw new Error("no database");
    const rows = await db.query<{ version: number; name: string }>(
      "SELECT version, name FROM schema_migrations ORDER BY version",
    );
    expect(rows).toEqual(WITH_SLOW.map((m) => ({ version: m.version, name: m.name })));
    expect(await isMigrated(db, WITH_SLOW)).toBe(true);
  });

  it("applies only what is new on a later start, and reports not ready before that", async () => {
    const db = await open();
    expect((await migrate(db, SHIPPED)).applied).toEqual(SHIPPED.map((m) => m.version));
    expect(await isMigrated(db, WITH_SLOW)).toBe(false);
    expect((await migrate(db, WITH_SLOW)).applied).toEqual([NEXT]);
    expect((await migrate(db, WITH_SLOW)).applied).toEqual([]);
  });

  it("rolls a failing migration back completely, recording nothing", async () => {
    const db = await open();
    const broken: Migration[] = [
      ...SHIPPED,
      { version: NEXT, name: "broken", sql: "CREATE TABLE half (id int); SELECT no_such_function();" },
    ];
    await expect(migrate(db, broken)).rejects.toThrow(/no_such_function/);
    expect(await db.query("SELECT to_regclass('items') IS NOT NULL AS present")).toEqual([{ present: false }]);
  });
});

describe("readMigrations", () => {
  const dir = mkdtempSync(join(tmpdir(), "migrations-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads the shipped migrations in order", () => {
    expect(readMigrations().map((m) => `${m.version}:${m.name}`)).toEqual(["1:create_items", "2:item_counts"]);
  });

  it("refuses gaps and badly named files", () => {
    writeFileSync(join(dir, "0001_a.sql"), "SELECT 1");
    writeFileSync(join(dir, "0003_c.sql"), "SELECT 1");
    expect(() => readMigrations(dir)).toThrow(/without gaps/);
    writeFileSync(join(dir, "2_b.sql"), "SELECT 1");
    expect(() => readMigrations(dir)).toThrow(/must be named NNNN_snake_case.sql/);
  });
});
