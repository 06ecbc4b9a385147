/**
 * Backfill benchmark (issue 9): on the local PostgreSQL, backfill a new column over 1,000,000
 * rows through Upshift (keyset batches sized to 100 ms, a checkpoint per batch in a SQLite
 * control-plane store, dual-write trigger installed), and in the same run the single `UPDATE`
 * of every row on an identical table (the physical baseline). Prints rows/s of both, the ratio
 * and the longest single batch (its lock hold). Targets: ratio >= 0.5, longest batch < 200 ms.
 * Run: `npx tsx bench/backfill.bench.ts` (UPSHIFT_BENCH_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/test; a scratch schema is created and dropped).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { installDualWrite } from "../src/adapters/dbmigrate/dual-write.js";
import { reconcileTables } from "../src/adapters/dbmigrate/reconcile.js";
import { runBackfill } from "../src/adapters/dbmigrate/run-backfill.js";
import type { BackfillSpec } from "../src/core/migrations/backfill-spec.js";
import { BackfillCheckpointRepository } from "../src/store/backfill-checkpoint-repository.js";
import { openDatabase } from "../src/store/database.js";
import { verdict } from "./measure.js";

const URL = process.env.UPSHIFT_BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const ROWS = 1_000_000;
const SCHEMA = `bench_backfill_${process.pid}`;
const EXPRESSION = "qty * price + (id % 7)";

const spec = (table: string): BackfillSpec => ({
  kind: "expression",
  name: `bench-${table}-${process.pid}`,
  table,
  key: "id",
  column: "total",
  expression: EXPRESSION,
});

async function createTable(client: pg.Client, table: string): Promise<void> {
  await client.query(
    `CREATE TABLE ${table} (id bigint PRIMARY KEY, qty int NOT NULL, price numeric NOT NULL, total numeric)`,
  );
  await client.query(
    `INSERT INTO ${table} SELECT g, 1 + g % 13, round((g % 1000) * 0.37, 2), NULL FROM generate_series(1, ${ROWS}) g`,
  );
  await client.query(`VACUUM ANALYZE ${table}`);
}

const client = new pg.Client({ connectionString: URL, options: `-c search_path=${SCHEMA}` });
await client.connect();
const dataDir = mkdtempSync(join(tmpdir(), "upshift-bench-backfill-"));
const database = await openDatabase({ dataDir });
try {
  await client.query(`CREATE SCHEMA ${SCHEMA}`);
  process.stdout.write(`creating two identical tables of ${ROWS.toLocaleString("en-US")} rows...\n`);
  await createTable(client, "baseline");
  await createTable(client, "upshift");

  await client.query("CHECKPOINT");
  let started = performance.now();
  await client.query(`UPDATE baseline SET total = ${EXPRESSION}`);
  const baselineMs = performance.now() - started;

  const backfill = spec("upshift");
  if (backfill.kind !== "expression") throw new Error("unreachable");
  await installDualWrite(client, backfill);
  const batches: { ms: number; rows: number }[] = [];
  // Both runs start right after a checkpoint, so neither pays for the other's WAL being flushed.
  await client.query("CHECKPOINT");
  started = performance.now();
  const outcome = await runBackfill(client, backfill, {
    store: new BackfillCheckpointRepository(database),
    onEvent: (e) => {
      if (e.kind === "batch") batches.push({ ms: e.ms, rows: e.rows });
    },
  });
  const upshiftMs = performance.now() - started;
  if (outcome.checkpoint.rowsDone !== ROWS)
    throw new Error(`backfill did ${outcome.checkpoint.rowsDone} rows`);

  started = performance.now();
  const reconciled = await reconcileTables(client, { source: "baseline", target: "upshift", key: "id" });
  const reconcileMs = performance.now() - started;

  const baselineRate = ROWS / (baselineMs / 1000);
  const upshiftRate = ROWS / (upshiftMs / 1000);
  const ratio = upshiftRate / baselineRate;
  const sorted = batches.map((b) => b.ms).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  const p95 = sorted[Math.floor(sorted.length * 0.95)] ?? 0;
  const slowest = [...batches].sort((a, b) => b.ms - a.ms).slice(0, 3);
  const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
  process.stdout.write(
    [
      `load average ${loadavg()[0]?.toFixed(2)}`,
      `baseline: single UPDATE of ${fmt(ROWS)} rows   ${fmt(baselineMs)} ms   ${fmt(baselineRate)} rows/s   (one lock hold of ${fmt(baselineMs)} ms)`,
      `upshift backfill (${outcome.checkpoint.batches} batches)   ${fmt(upshiftMs)} ms   ${fmt(upshiftRate)} rows/s`,
      `ratio upshift / baseline: ${ratio.toFixed(2)} (target >= 0.5) ${verdict(ratio >= 0.5)}`,
      `longest batch (lock hold): ${fmt(outcome.longestBatchMs)} ms, median ${fmt(median)} ms, p95 ${fmt(p95)} ms (target < 200 ms) ${verdict(outcome.longestBatchMs < 200)}`,
      `slowest batches: ${slowest.map((b) => `${fmt(b.ms)} ms for ${fmt(b.rows)} rows`).join(", ")}`,
      `reconciliation (count + md5 per 10,000-row range, both tables): ${reconciled.kind} in ${fmt(reconcileMs)} ms`,
      "",
    ].join("\n"),
  );
} finally {
  await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await client.end();
  await database.close();
  rmSync(dataDir, { recursive: true, force: true });
}
