import type pg from "pg";

/**
 * Drops the index `name` if it exists and is INVALID. A failed or cancelled CREATE INDEX
 * CONCURRENTLY leaves such an index behind (PostgreSQL manual, "Building Indexes
 * Concurrently"): it is not used by queries but still costs every write, and a rerun with
 * IF NOT EXISTS would silently keep it. Returns the dropped index's name, or null.
 */
export async function dropInvalidIndex(
  client: pg.ClientBase,
  index: { readonly schema: string | null; readonly name: string },
): Promise<string | null> {
  const found = await client.query<{ qualified: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS qualified
       FROM pg_class c
       JOIN pg_index i ON i.indexrelid = c.oid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relname = $1 AND n.nspname = coalesce($2, current_schema()) AND NOT i.indisvalid`,
    [index.name, index.schema],
  );
  const qualified = found.rows[0]?.qualified;
  if (qualified === undefined) return null;
  await client.query(`DROP INDEX CONCURRENTLY IF EXISTS ${qualified}`);
  return qualified;
}
