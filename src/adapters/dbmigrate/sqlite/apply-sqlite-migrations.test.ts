import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DomainError } from "../../../core/errors/domain-error.js";
import { lintMigrationSet } from "../../../core/migrations/lint-migration-set.js";
import { migrationChecksum } from "../../../core/migrations/migration-checksum.js";
import { readMigrationSet } from "../../../core/migrations/migration-set.js";
import { applySqliteMigrations, lintSqliteSet, readSqliteHistory } from "./apply-sqlite-migrations.js";

const V1 = `-- upshift: phase=expand
CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY AUTOINCREMENT, price REAL NOT NULL, created timestamp);
CREATE INDEX IF NOT EXISTS orders_price ON orders (price);
INSERT INTO orders (price) VALUES (1.5), (2.5);`;
const V2 = `-- upshift: phase=expand
ALTER TABLE orders ADD COLUMN status TEXT;`;
const set = (files: Record<string, string>) =>
  readMigrationSet(Object.entries(files).map(([fileName, text]) => ({ fileName, text })));

describe("migration sets on a SQLite target", () => {
  let dir: string;
  let db: SQLite.Database;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "upshift-sqlite-mig-"));
    db = new SQLite(join(dir, "demo.db"));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("applies versioned files in order with history and checksums, and nothing twice", async () => {
    const first = await applySqliteMigrations(db, set({ "V2__status.sql": V2, "V1__orders.sql": V1 }));
    expect(first.applied.map((a) => `${a.fileName}:${a.phase}`)).toEqual([
      "V1__orders.sql:expand",
      "V2__status.sql:expand",
    ]);
    expect(readSqliteHistory(db)).toEqual([
      { version: 1, name: "orders", checksum: migrationChecksum(V1) },
      { version: 2, name: "status", checksum: migrationChecksum(V2) },
    ]);
    expect(db.prepare("SELECT count(*) AS n FROM orders WHERE status IS NULL").get()).toEqual({ n: 2 });
    const again = await applySqliteMigrations(db, set({ "V1__orders.sql": V1, "V2__status.sql": V2 }));
    expect(again.applied).toEqual([]);
    expect(db.prepare("SELECT count(*) AS n FROM orders").get()).toEqual({ n: 2 });
  });

  it("blocks on drift: an applied file changed", async () => {
    await applySqliteMigrations(db, set({ "V1__orders.sql": V1 }));
    const error = await applySqliteMigrations(
      db,
      set({ "V1__orders.sql": `${V1}\nSELECT 1;`, "V2__status.sql": V2 }),
    ).catch((e: DomainError) => e);
    expect(error).toMatchObject({ code: "migration.drift" });
    expect(String((error as Error).message)).toContain("V1__orders.sql");
    expect(
      db.prepare("SELECT count(*) AS n FROM pragma_table_info('orders') WHERE name = 'status'").get(),
    ).toEqual({ n: 0 });
  });

  it("leaves a failing file neither half-applied nor recorded", async () => {
    const broken =
      "-- upshift: phase=expand\nCREATE TABLE IF NOT EXISTS extra (id INTEGER PRIMARY KEY);\nINSERT INTO nowhere VALUES (1);";
    await applySqliteMigrations(db, set({ "V1__orders.sql": V1 }));
    await expect(
      applySqliteMigrations(db, set({ "V1__orders.sql": V1, "V2__broken.sql": broken })),
    ).rejects.toThrow(/V2__broken\.sql: no such table: nowhere/);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'extra'").get()).toEqual({
      n: 0,
    });
    expect(readSqliteHistory(db).map((h) => h.name)).toEqual(["orders"]);
  });

  it("lints with the rules that hold for SQLite only, and still gates a breaking expand", async () => {
    const lints = await lintSqliteSet(set({ "V1__orders.sql": V1, "V2__status.sql": V2 }));
    // PostgreSQL-only advice (index without CONCURRENTLY, timestamp without time zone, lock_timeout) is not given
    expect(lints.flatMap((l) => l.findings.map((f) => f.ruleId))).toEqual([]);
    const postgres = lintMigrationSet(set({ "V2__status.sql": V2 }), { postgresMajor: 17 });
    expect(postgres[0]?.findings.map((f) => f.ruleId)).toEqual(
      expect.arrayContaining(["require-lock-timeout", "non-idempotent-statement"]),
    );
    const drop = "-- upshift: phase=expand\nALTER TABLE orders DROP COLUMN status;";
    await applySqliteMigrations(db, set({ "V1__orders.sql": V1, "V2__status.sql": V2 }));
    const blocked = await applySqliteMigrations(
      db,
      set({ "V1__orders.sql": V1, "V2__status.sql": V2, "V3__drop.sql": drop }),
    ).catch((e: DomainError) => e);
    expect(blocked).toMatchObject({ code: "migration.lint-blocked" });
    expect(String((blocked as Error).message)).toContain("V3__drop.sql:2:1 drop-column");
    const contract = drop.replace("phase=expand", "phase=contract");
    const done = await applySqliteMigrations(
      db,
      set({ "V1__orders.sql": V1, "V2__status.sql": V2, "V3__drop.sql": contract }),
    );
    expect(done.applied.map((a) => `${a.fileName}:${a.phase}`)).toEqual(["V3__drop.sql:contract"]);
  });
});
