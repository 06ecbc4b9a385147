import type pg from "pg";
import type { BackfillSpec } from "../../core/migrations/backfill-spec.js";
import {
  type ChunkChecksum,
  compareChunks,
  type ReconciliationResult,
} from "../../core/migrations/reconciliation.js";
import { quoteIdentifier, quoteQualifiedName } from "../../core/migrations/sql-identifier.js";
import { columnType } from "./target-catalog.js";

/** One side of a comparison: a table, and the SQL text of each row to hash, given the table's alias. */
interface ChunkedSide {
  readonly table: string;
  readonly rowText: (alias: string) => string;
}

/** The table's own (unqualified) name as alias, so expressions may say `orders.price` as in the UPDATE. */
function aliasOf(table: string): string {
  return quoteIdentifier(table.split(".").pop() ?? table);
}

export interface ReconcileOptions {
  /** Rows per key range (default 10,000): smaller ranges locate a difference more precisely. */
  readonly chunkRows?: number;
}

/**
 * Compares two tables with the same key: row counts and md5 of the ordered rows per key range,
 * computed in the database (only one hash per range crosses the network). `columns` defaults to
 * the whole row (`t::text`), which needs the same column order on both sides.
 */
export async function reconcileTables(
  client: pg.ClientBase,
  args: {
    readonly source: string;
    readonly target: string;
    readonly key: string;
    readonly columns?: readonly string[];
  },
  options: ReconcileOptions = {},
): Promise<ReconciliationResult> {
  const columns = args.columns;
  const rowText = (t: string) =>
    columns === undefined
      ? `${t}::text`
      : `row(${columns.map((c) => `${t}.${quoteIdentifier(c)}`).join(", ")})::text`;
  return reconcile(
    client,
    args.key,
    { table: args.source, rowText },
    { table: args.target, rowText },
    options,
  );
}

/**
 * Checks an expression backfill: in every key range, the column must equal the expression
 * (cast to the column's type, as the UPDATE's assignment casts it). The dual-write trigger keeps
 * this true for rows written after the backfill passed them.
 */
export async function reconcileBackfill(
  client: pg.ClientBase,
  spec: Extract<BackfillSpec, { kind: "expression" }>,
  options: ReconcileOptions = {},
): Promise<ReconciliationResult> {
  const type = await columnType(client, spec.table, spec.column);
  const key = quoteIdentifier(spec.key);
  const expected = (t: string) => `row(${t}.${key}, (${spec.expression})::${type})::text`;
  const actual = (t: string) => `row(${t}.${key}, ${t}.${quoteIdentifier(spec.column)})::text`;
  return reconcile(
    client,
    spec.key,
    { table: spec.table, rowText: expected },
    { table: spec.table, rowText: actual },
    options,
  );
}

async function reconcile(
  client: pg.ClientBase,
  key: string,
  expected: ChunkedSide,
  actual: ChunkedSide,
  options: ReconcileOptions,
): Promise<ReconciliationResult> {
  const keyType = await columnType(client, expected.table, key);
  const bounds = await chunkBounds(client, expected.table, key, options.chunkRows ?? 10_000);
  const [left, right] = [
    await chunkChecksums(client, expected, key, keyType, bounds),
    await chunkChecksums(client, actual, key, keyType, bounds),
  ];
  return compareChunks(bounds, left, right);
}

/** Every `chunkRows`-th key of the table: the lower bounds of chunks 1..n (chunk 0 is below the first). */
export async function chunkBounds(
  client: pg.ClientBase,
  table: string,
  key: string,
  chunkRows: number,
): Promise<string[]> {
  const k = quoteIdentifier(key);
  const result = await client.query<{ k: string }>(
    `SELECT k::text AS k FROM (SELECT ${k} AS k, row_number() OVER (ORDER BY ${k}) AS rn FROM ${quoteQualifiedName(table)}) AS s
      WHERE rn > 1 AND (rn - 1) % $1 = 0 ORDER BY rn`,
    [chunkRows],
  );
  return result.rows.map((r) => r.k);
}

/**
 * Count and md5 of the rows of each key range. width_bucket with an array of bounds puts a key
 * in chunk i when bounds[i-1] <= key < bounds[i] (PostgreSQL manual, "Mathematical Functions"),
 * for any ordered key type; string_agg with ORDER BY makes the hash depend on content and order.
 */
export async function chunkChecksums(
  client: pg.ClientBase,
  side: ChunkedSide,
  key: string,
  keyType: string,
  bounds: readonly string[],
): Promise<ChunkChecksum[]> {
  const alias = aliasOf(side.table);
  const k = `${alias}.${quoteIdentifier(key)}`;
  const result = await client.query<{ chunk: number; rows: number; hash: string }>(
    `SELECT width_bucket(${k}, $1::${keyType}[]) AS chunk, count(*)::int AS rows,
            md5(string_agg(${side.rowText(alias)}, E'\\n' ORDER BY ${k})) AS hash
       FROM ${quoteQualifiedName(side.table)} AS ${alias} GROUP BY 1 ORDER BY 1`,
    [bounds],
  );
  return result.rows.map((r) => ({ chunk: Number(r.chunk), rows: Number(r.rows), hash: r.hash }));
}
