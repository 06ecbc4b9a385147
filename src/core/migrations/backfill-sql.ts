import type { BackfillSpec } from "./backfill-spec.js";
import { identifierSlug, quoteIdentifier, quoteQualifiedName } from "./sql-identifier.js";

/**
 * A 64-bit hash of a row's text: hashtextextended, PostgreSQL's own text hash (the one hash
 * partitioning relies on, so it is stable across versions; PostgreSQL 11+). Not cryptographic,
 * which is fine for catching lost or doubled rows, and a third of md5's cost per row. Summed per
 * batch (sum of bigint is numeric in PostgreSQL, so it cannot overflow); see backfill-checksum.ts.
 */
export function rowHashSql(rowText: string): string {
  return `hashtextextended(${rowText}, 0)`;
}

/** The SQL a backfill runs against the target, generated once per run. */
export interface BackfillSql {
  /**
   * Expression kind: one statement that picks the next `$2` keys after `$1` and updates them,
   * returning `rows`, `upper_key` (text, null when nothing is left) and `hash_sum` (text).
   * The first batch uses `firstBatch` (no lower bound) so the planner sees a plain range scan.
   */
  readonly batch: string;
  readonly firstBatch: string;
  /** Template kind: the upper key of the next batch of `$2` rows after `$1` (or of the first). */
  readonly upperKey: string;
  readonly firstUpperKey: string;
  /** Template kind: `rows` and `hash_sum` of the range ($1, $2] (first: up to $1) after the template ran. */
  readonly rangeChecksum: string;
  readonly firstRangeChecksum: string;
  /** `rows` and `hash_sum` of the whole table: equals a completed checkpoint's count and checksum. */
  readonly tableChecksum: string;
  /** Rows after `$1` (for progress); `firstRemaining` counts the whole table. */
  readonly remaining: string;
  readonly firstRemaining: string;
}

/** Generates the batch, bound and checksum statements of a backfill; `keyType` as format_type gives it. */
export function backfillSql(spec: BackfillSpec, keyType: string): BackfillSql {
  const table = quoteQualifiedName(spec.table);
  const key = quoteIdentifier(spec.key);
  const after = `${key} > $1::${keyType}`;
  const upperOf = (where: string, limitParam: string) =>
    `SELECT max(k)::text AS upper_key FROM (SELECT ${key} AS k FROM ${table} ${where} ORDER BY ${key} LIMIT ${limitParam}) AS s`;
  const rowText =
    spec.kind === "expression" ? `row(${key}, ${quoteIdentifier(spec.column)})::text` : `t::text`;
  const expressionBatch = (where: string, limitParam: string) => {
    if (spec.kind !== "expression") return "";
    const column = quoteIdentifier(spec.column);
    // A CTE, so that bound, update and checksum are one round trip and one statement (one lock
    // hold); the bound is an uncorrelated sub-select, evaluated once.
    return [
      `WITH bound AS (${upperOf(where, limitParam)}),`,
      `changed AS (UPDATE ${table} SET ${column} = (${spec.expression})`,
      `  WHERE ${where === "" ? "" : `${after} AND `}${key} <= (SELECT upper_key FROM bound)::${keyType}`,
      `  RETURNING ${rowHashSql(`row(${key}, ${column})::text`)} AS h)`,
      `SELECT count(*)::int AS rows, (SELECT upper_key FROM bound) AS upper_key, coalesce(sum(h), 0)::text AS hash_sum FROM changed`,
    ].join("\n");
  };
  const rangeChecksum = (lower: boolean) =>
    `SELECT count(*)::int AS rows, coalesce(sum(${rowHashSql(rowText)}), 0)::text AS hash_sum FROM ${table} AS t WHERE ${lower ? `${key} > $1::${keyType} AND ${key} <= $2::${keyType}` : `${key} <= $1::${keyType}`}`;
  return {
    batch: expressionBatch(`WHERE ${after}`, "$2"),
    firstBatch: expressionBatch("", "$1"),
    upperKey: upperOf(`WHERE ${after}`, "$2"),
    firstUpperKey: upperOf("", "$1"),
    rangeChecksum: rangeChecksum(true),
    firstRangeChecksum: rangeChecksum(false),
    tableChecksum: `SELECT count(*)::int AS rows, coalesce(sum(${rowHashSql(rowText)}), 0)::text AS hash_sum FROM ${table} AS t`,
    remaining: `SELECT count(*)::bigint AS n FROM ${table} WHERE ${after}`,
    firstRemaining: `SELECT count(*)::bigint AS n FROM ${table}`,
  };
}

/** Names of the dual-write trigger and its function for a backfill. */
export function dualWriteNames(spec: BackfillSpec): { readonly trigger: string; readonly fn: string } {
  const base = `upshift_dw_${identifierSlug(spec.name)}`;
  return { trigger: base, fn: base };
}

/**
 * The dual-write trigger of an expression backfill: while old and new code both run, every row
 * written gets the column computed by the same expression the backfill uses, so rows written
 * behind the backfill's cursor are never left stale. It fires on INSERT and on UPDATE of the
 * columns the expression reads (`sourceColumns`), not on the backfill's own UPDATE of the target
 * column, so the backfill pays nothing for it. The row is exposed under the table's own name so
 * the expression is evaluated exactly as in the backfill's UPDATE.
 */
export function dualWriteTriggerSql(
  spec: Extract<BackfillSpec, { kind: "expression" }>,
  sourceColumns: readonly string[],
): { readonly create: readonly string[]; readonly drop: readonly string[] } {
  const { trigger, fn } = dualWriteNames(spec);
  const schema = spec.table.includes(".") ? `${quoteIdentifier(spec.table.split(".")[0] ?? "")}.` : "";
  const qualifiedFn = `${schema}${quoteIdentifier(fn)}`;
  const table = quoteQualifiedName(spec.table);
  const alias = quoteIdentifier(spec.table.split(".").pop() ?? spec.table);
  const events =
    sourceColumns.length === 0
      ? "INSERT"
      : `INSERT OR UPDATE OF ${sourceColumns.map(quoteIdentifier).join(", ")}`;
  return {
    create: [
      [
        `CREATE OR REPLACE FUNCTION ${qualifiedFn}() RETURNS trigger LANGUAGE plpgsql AS $upshift$`,
        "BEGIN",
        `  SELECT (${spec.expression}) INTO NEW.${quoteIdentifier(spec.column)} FROM (SELECT NEW.*) AS ${alias};`,
        "  RETURN NEW;",
        "END",
        "$upshift$",
      ].join("\n"),
      // CREATE OR REPLACE TRIGGER needs PostgreSQL 14; it keeps a rerun idempotent in one statement.
      `CREATE OR REPLACE TRIGGER ${quoteIdentifier(trigger)} BEFORE ${events} ON ${table} FOR EACH ROW EXECUTE FUNCTION ${qualifiedFn}()`,
    ],
    drop: [
      `DROP TRIGGER IF EXISTS ${quoteIdentifier(trigger)} ON ${table}`,
      `DROP FUNCTION IF EXISTS ${qualifiedFn}()`,
    ],
  };
}
