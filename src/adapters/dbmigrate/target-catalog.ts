import type pg from "pg";
import { NotFoundError } from "../../core/errors/domain-error.js";
import { quoteQualifiedName } from "../../core/migrations/sql-identifier.js";

/** A column's type as PostgreSQL spells it (format_type), for casts in generated SQL. */
export async function columnType(client: pg.ClientBase, table: string, column: string): Promise<string> {
  const result = await client.query<{ type: string }>(
    `SELECT format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a
      WHERE a.attrelid = to_regclass($1) AND a.attname = $2 AND a.attnum > 0 AND NOT a.attisdropped`,
    [quoteQualifiedName(table), column],
  );
  const type = result.rows[0]?.type;
  if (type === undefined)
    throw new NotFoundError(
      "backfill.column-not-found",
      `${table}.${column} does not exist in the target database`,
    );
  return type;
}
