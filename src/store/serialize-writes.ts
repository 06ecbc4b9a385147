import { sql, type Transaction } from "kysely";
import type { Database } from "./database.js";
import type { Schema } from "./schema.js";

/**
 * Runs `work` in a transaction that no other document write overlaps: on SQLite every transaction
 * begins IMMEDIATE (ImmediateSqliteDialect), taking the single writer's lock up front;
 * on PostgreSQL a transaction-scoped advisory lock serializes writers across replicas, so
 * validation always sees the state it writes against.
 */
export async function serializeWrites<T>(
  database: Database,
  work: (trx: Transaction<Schema>) => Promise<T>,
): Promise<T> {
  return database.db.transaction().execute(async (trx) => {
    if (database.dialect === "postgres")
      await sql`select pg_advisory_xact_lock(hashtext('upshift.documents'))`.execute(trx);
    return work(trx);
  });
}
