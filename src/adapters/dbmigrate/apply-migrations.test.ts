import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dropSchema, freshSchemaName, PG_URL } from "../../../test/support/store-targets.js";
import type { DomainError } from "../../core/errors/domain-error.js";
import type { MigrationEvent } from "../../core/migrations/migration-event.js";
import { readMigrationSet } from "../../core/migrations/migration-set.js";
import { applyMigrations, planAgainstDatabase } from "./apply-migrations.js";

const V1 = `-- upshift: phase=expand
CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, price numeric, code text);
INSERT INTO orders SELECT g, g, 'c' || (g % 3) FROM generate_series(1, 100) g;`;
const V2 = `-- upshift: phase=expand
ALTER TABLE orders ADD COLUMN IF NOT EXISTS cents bigint;`;
const FAST = {
  lockTimeoutMs: 100,
  statementTimeoutMs: 5_000,
  maxAttempts: 30,
  baseDelayMs: 20,
  maxDelayMs: 100,
};

describe.skipIf(!PG_URL)("applyMigrations on PostgreSQL", () => {
  let schema: string;
  let client: pg.Client;
  let other: pg.Client;
  const connect = async () => {
    const c = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
    await c.connect();
    return c;
  };
  beforeEach(async () => {
    schema = freshSchemaName();
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    await admin.end();
    client = await connect();
    other = await connect();
  });
  afterEach(async () => {
    await other.end();
    await client.end();
    await dropSchema(schema);
  });
  const history = () => `${schema}.upshift_schema_history`;

  it("applies pending files in order, records their checksums, and then has nothing to do", async () => {
    const set = readMigrationSet([
      { fileName: "V2__cents.sql", text: V2 },
      { fileName: "V1__orders.sql", text: V1 },
    ]);
    const events: MigrationEvent[] = [];
    const applied = await applyMigrations(client, set, {
      historyTable: history(),
      onEvent: (e) => events.push(e),
    });
    expect(applied.map((a) => [a.fileName, a.phase])).toEqual([
      ["V1__orders.sql", "expand"],
      ["V2__cents.sql", "expand"],
    ]);
    expect(events.filter((e) => e.kind === "file-applied")).toHaveLength(2);
    const rows = await client.query(`SELECT version, checksum FROM ${history()} ORDER BY installed_rank`);
    expect(rows.rows.map((r) => [Number(r.version), r.checksum])).toEqual(
      set.versioned.map((f) => [f.version, f.checksum]),
    );
    expect(await applyMigrations(client, set, { historyTable: history() })).toEqual([]);
    const plan = await planAgainstDatabase(client, set, { historyTable: history() });
    expect(plan.status.statuses.map((s) => s.kind)).toEqual(["applied", "applied"]);
  });

  it("blocks on drift before running anything", async () => {
    await applyMigrations(client, readMigrationSet([{ fileName: "V1__orders.sql", text: V1 }]), {
      historyTable: history(),
    });
    const edited = readMigrationSet([
      { fileName: "V1__orders.sql", text: `${V1}\nSELECT 1;` },
      { fileName: "V2__cents.sql", text: V2 },
    ]);
    const error = (await applyMigrations(client, edited, { historyTable: history() }).catch(
      (e) => e,
    )) as DomainError;
    expect(error.code).toBe("migration.drift");
    expect(error.message).toMatch(/V1__orders.sql was applied with a different checksum/);
    const column = await client.query(
      "SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND column_name = 'cents'",
      [schema],
    );
    expect(column.rowCount).toBe(0);
  });

  it("waits for a lock held by another connection, retries, and succeeds once it is released", async () => {
    await applyMigrations(client, readMigrationSet([{ fileName: "V1__orders.sql", text: V1 }]), {
      historyTable: history(),
    });
    await other.query("BEGIN");
    await other.query("LOCK TABLE orders IN ACCESS SHARE MODE");
    const events: MigrationEvent[] = [];
    const set = readMigrationSet([
      { fileName: "V1__orders.sql", text: V1 },
      { fileName: "V2__cents.sql", text: V2 },
    ]);
    const running = applyMigrations(client, set, {
      historyTable: history(),
      policy: FAST,
      onEvent: (e) => {
        events.push(e);
        // Release the competing lock after the third failed attempt.
        if (e.kind === "lock-retry" && e.attempt === 3) void other.query("COMMIT");
      },
    });
    const applied = await running;
    expect(applied.map((a) => a.fileName)).toEqual(["V2__cents.sql"]);
    const retries = events.filter((e) => e.kind === "lock-retry");
    expect(retries.length).toBeGreaterThanOrEqual(3);
    expect(retries[0]?.kind === "lock-retry" && retries[0].message).toMatch(/lock timeout/);
    const done = events.find((e) => e.kind === "statement-done" && e.file === "V2__cents.sql");
    expect(done?.kind === "statement-done" && done.attempts).toBeGreaterThan(3);
  });

  it("fails after its retry budget while the lock stays held, and records nothing", async () => {
    await applyMigrations(client, readMigrationSet([{ fileName: "V1__orders.sql", text: V1 }]), {
      historyTable: history(),
    });
    await other.query("BEGIN");
    await other.query("LOCK TABLE orders IN ACCESS SHARE MODE");
    const set = readMigrationSet([
      { fileName: "V1__orders.sql", text: V1 },
      { fileName: "V2__cents.sql", text: V2 },
    ]);
    const error = (await applyMigrations(client, set, {
      historyTable: history(),
      policy: { ...FAST, maxAttempts: 3 },
    }).catch((e) => e)) as DomainError;
    expect(error.code).toBe("migration.lock-timeout");
    expect(error.message).toMatch(/V2__cents.sql:2: could not get its lock in 3 attempts/);
    await other.query("ROLLBACK");
    const plan = await planAgainstDatabase(client, set, { historyTable: history() });
    expect(plan.pending.map((p) => p.file.fileName)).toEqual(["V2__cents.sql"]);
  });

  it("runs CREATE INDEX CONCURRENTLY outside a transaction and drops the INVALID index a failed build leaves", async () => {
    const index = `-- upshift: phase=expand
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS orders_code_key ON orders (code);`;
    const set = readMigrationSet([
      { fileName: "V1__orders.sql", text: V1 },
      { fileName: "V2__code_key.sql", text: index },
    ]);
    const events: MigrationEvent[] = [];
    const error = (await applyMigrations(client, set, {
      historyTable: history(),
      onEvent: (e) => events.push(e),
    }).catch((e) => e)) as DomainError;
    expect(error.code).toBe("migration.statement-failed");
    expect(error.message).toMatch(/V2__code_key.sql:2: could not create unique index/);
    expect(events).toContainEqual(
      expect.objectContaining({ kind: "invalid-index-dropped", index: `${schema}.orders_code_key` }),
    );
    const left = await client.query(
      "SELECT 1 FROM pg_indexes WHERE schemaname = $1 AND indexname = 'orders_code_key'",
      [schema],
    );
    expect(left.rowCount).toBe(0);
    // Fix the data; the rerun builds a valid index.
    await client.query("UPDATE orders SET code = 'c' || id");
    await applyMigrations(client, set, { historyTable: history() });
    const valid = await client.query(
      "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'orders_code_key'",
    );
    expect(valid.rows).toEqual([{ indisvalid: true }]);
  });

  it("stops a statement that runs past statement_timeout", async () => {
    const set = readMigrationSet([
      { fileName: "V1__slow.sql", text: "-- upshift: phase=migrate\nSELECT pg_sleep(2);" },
    ]);
    const error = (await applyMigrations(client, set, {
      historyTable: history(),
      policy: { ...FAST, statementTimeoutMs: 100 },
    }).catch((e) => e)) as DomainError;
    expect(error.code).toBe("migration.statement-timeout");
  });
});
