import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dropSchema, freshSchemaName, PG_URL } from "../../../test/support/store-targets.js";
import type { DomainError } from "../../core/errors/domain-error.js";
import { addToChecksum, EMPTY_CHECKSUM } from "../../core/migrations/backfill-checksum.js";
import type { BackfillSpec } from "../../core/migrations/backfill-spec.js";
import { backfillSql } from "../../core/migrations/backfill-sql.js";
import { BackfillCheckpointRepository } from "../../store/backfill-checkpoint-repository.js";
import { type Database, openDatabase } from "../../store/database.js";
import { BackfillControl } from "./backfill-control.js";
import { dropDualWrite, installDualWrite } from "./dual-write.js";
import { reconcileBackfill, reconcileTables } from "./reconcile.js";
import { type BackfillEvent, runBackfill } from "./run-backfill.js";

const ROWS = 20_000;
const spec = {
  kind: "expression",
  name: "orders-cents",
  table: "orders",
  key: "id",
  column: "cents",
  expression: "round(price * 100)::bigint",
} as const satisfies BackfillSpec;
const small = { targetMs: 100, minRows: 100, maxRows: 1_000, maxGrowth: 2 };

describe.skipIf(!PG_URL)("runBackfill on PostgreSQL", () => {
  let schema: string;
  let client: pg.Client;
  let dataDir: string;
  let database: Database;
  let store: BackfillCheckpointRepository;
  beforeEach(async () => {
    schema = freshSchemaName();
    client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
    await client.connect();
    await client.query(`CREATE SCHEMA "${schema}"`);
    await client.query("CREATE TABLE orders (id bigint PRIMARY KEY, price numeric NOT NULL, cents bigint)");
    await client.query(`INSERT INTO orders SELECT g, g * 1.25, NULL FROM generate_series(1, ${ROWS}) g`);
    dataDir = mkdtempSync(join(tmpdir(), "upshift-backfill-"));
    database = await openDatabase({ dataDir });
    store = new BackfillCheckpointRepository(database);
  });
  afterEach(async () => {
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
    await client.end();
    await dropSchema(schema);
  });

  it("fills every row in keyset batches, reports rows/s and ETA, and ends with the table's checksum", async () => {
    const events: BackfillEvent[] = [];
    const outcome = await runBackfill(client, spec, {
      store,
      policy: small,
      initialBatchSize: 500,
      onEvent: (e) => events.push(e),
    });
    expect(outcome.kind).toBe("completed");
    expect(outcome.checkpoint).toMatchObject({ state: "completed", rowsDone: ROWS, lastKey: String(ROWS) });
    const whole = await client.query(backfillSql(spec, "bigint").tableChecksum);
    expect(addToChecksum(EMPTY_CHECKSUM, whole.rows[0].hash_sum)).toBe(outcome.checkpoint.checksum);
    const nulls = await client.query(
      "SELECT count(*)::int AS n FROM orders WHERE cents IS DISTINCT FROM round(price * 100)",
    );
    expect(nulls.rows[0].n).toBe(0);
    const batches = events.filter((e) => e.kind === "batch");
    expect(batches.length).toBeGreaterThan(ROWS / 1_000 - 1);
    const last = batches[batches.length - 1];
    expect(last?.kind === "batch" && last.progress.rowsPerSecond).toBeGreaterThan(0);
    expect(last?.kind === "batch" && last.progress.etaSeconds).not.toBeNull();
    expect(await store.load(spec.name)).toEqual(outcome.checkpoint);
    expect(await reconcileBackfill(client, spec, { chunkRows: 1_000 })).toMatchObject({
      kind: "match",
      rows: ROWS,
    });
  });

  it("resumes a cancelled backfill at the exact next key", async () => {
    const control = new BackfillControl();
    let batches = 0;
    const first = await runBackfill(client, spec, {
      store,
      // A fixed batch size, whatever the timing on a loaded machine, so the stop point is known.
      policy: { ...small, minRows: 700, maxRows: 700 },
      initialBatchSize: 700,
      control,
      onEvent: (e) => {
        if (e.kind === "batch" && ++batches === 3) control.cancel();
      },
    });
    expect(first.kind).toBe("cancelled");
    expect(first.checkpoint).toMatchObject({ state: "cancelled", lastKey: "2100", rowsDone: 2100 });
    // Clear what the first run wrote: a resume that restarted anywhere at or before key 2100 would refill it.
    await client.query("UPDATE orders SET cents = NULL WHERE id <= 2100");
    const second = await runBackfill(client, spec, { store, policy: small });
    expect(second.checkpoint).toMatchObject({ state: "completed", rowsDone: ROWS });
    const counts = await client.query(
      "SELECT count(*) FILTER (WHERE cents IS NULL)::int AS empty, min(id) FILTER (WHERE cents IS NOT NULL)::int AS first FROM orders",
    );
    expect(counts.rows[0]).toEqual({ empty: 2100, first: 2101 });
    const result = await reconcileBackfill(client, spec, { chunkRows: 1_000 });
    expect(result.kind === "mismatch" && result.mismatches.map((m) => [m.fromKey, m.toKey])).toEqual([
      [null, "1001"],
      ["1001", "2001"],
      ["2001", "3001"],
    ]);
  });

  it("pauses between batches, records the pause in the store, and resumes", async () => {
    const control = new BackfillControl();
    let stateWhilePaused: string | undefined;
    let batches = 0;
    const outcome = await runBackfill(client, spec, {
      store,
      policy: small,
      control,
      onEvent: (e) => {
        if (e.kind === "batch" && ++batches === 2) control.pause();
        if (e.kind === "paused")
          void store.load(spec.name).then((c) => {
            stateWhilePaused = c?.state;
            control.resume();
          });
      },
    });
    expect(stateWhilePaused).toBe("paused");
    expect(outcome.checkpoint.rowsDone).toBe(ROWS);
  });

  it("waits when the throttle says so", async () => {
    let calls = 0;
    const events: BackfillEvent[] = [];
    await runBackfill(client, spec, {
      store,
      policy: { ...small, minRows: 5_000, maxRows: 5_000 },
      throttle: async () =>
        ++calls === 2 ? { kind: "wait", ms: 30, reason: "replica lag 12 s > 5 s" } : { kind: "proceed" },
      onEvent: (e) => events.push(e),
    });
    expect(events).toContainEqual({ kind: "throttled", ms: 30, reason: "replica lag 12 s > 5 s" });
  });

  it("refuses to resume under a changed definition", async () => {
    const control = new BackfillControl();
    control.cancel();
    await runBackfill(client, spec, { store, control });
    const error = (await runBackfill(client, { ...spec, expression: "price * 10" }, { store }).catch(
      (e) => e,
    )) as DomainError;
    expect(error.code).toBe("backfill.changed");
  });

  it("runs an SQL template per key range", async () => {
    const template: BackfillSpec = {
      kind: "template",
      name: "orders-cents-template",
      table: "orders",
      key: "id",
      sql: "UPDATE orders SET cents = round(price * 100) WHERE (id > $1::bigint OR $1 IS NULL) AND id <= $2::bigint",
    };
    const outcome = await runBackfill(client, template, { store, policy: small });
    expect(outcome.checkpoint).toMatchObject({ state: "completed", rowsDone: ROWS });
    expect(await reconcileBackfill(client, spec)).toMatchObject({ kind: "match" });
  });

  it("keeps rows written during the transition right through the dual-write trigger, until contract", async () => {
    await installDualWrite(client, spec);
    await client.query("INSERT INTO orders (id, price) VALUES (100001, 2.5)");
    await client.query("UPDATE orders SET price = 3 WHERE id = 1");
    const rows = await client.query(
      "SELECT id::int, cents::int FROM orders WHERE id IN (1, 100001) ORDER BY id",
    );
    expect(rows.rows).toEqual([
      { id: 1, cents: 300 },
      { id: 100001, cents: 250 },
    ]);
    await dropDualWrite(client, spec);
    await client.query("INSERT INTO orders (id, price) VALUES (100002, 2.5)");
    const after = await client.query("SELECT cents FROM orders WHERE id = 100002");
    expect(after.rows[0].cents).toBeNull();
  });

  it("finds a deliberately corrupted key range between two copies", async () => {
    await client.query("CREATE TABLE orders_copy (LIKE orders INCLUDING ALL)");
    await client.query("INSERT INTO orders_copy SELECT * FROM orders");
    expect(
      await reconcileTables(
        client,
        { source: "orders", target: "orders_copy", key: "id" },
        { chunkRows: 5_000 },
      ),
    ).toEqual({
      kind: "match",
      rows: ROWS,
      chunks: 4,
    });
    await client.query("UPDATE orders_copy SET price = price + 0.01 WHERE id = 12345");
    await client.query("DELETE FROM orders_copy WHERE id = 19999");
    const result = await reconcileTables(
      client,
      { source: "orders", target: "orders_copy", key: "id" },
      { chunkRows: 5_000 },
    );
    expect(result).toMatchObject({ kind: "mismatch", expectedRows: ROWS, actualRows: ROWS - 1 });
    expect(result.kind === "mismatch" && result.mismatches).toEqual([
      {
        chunk: 2,
        fromKey: "10001",
        toKey: "15001",
        expectedRows: 5_000,
        actualRows: 5_000,
        reason: "content",
      },
      {
        chunk: 3,
        fromKey: "15001",
        toKey: null,
        expectedRows: 5_000,
        actualRows: 4_999,
        reason: "row-count",
      },
    ]);
  });
});
