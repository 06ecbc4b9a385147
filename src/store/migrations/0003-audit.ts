import { type Kysely, type Migration, sql } from "kysely";
import type { DialectName } from "../dialect-name.js";

/**
 * The hash-chained audit log and the anchors taken of its head. Both are append-only: triggers
 * refuse UPDATE, DELETE (and TRUNCATE on PostgreSQL), so no application bug can rewrite history.
 * Someone with DDL rights can still drop the triggers; the chain and its anchors catch that.
 */
export const audit = (dialect: DialectName): Migration => ({
  async up(db: Kysely<unknown>) {
    const serial = dialect === "sqlite" ? "integer" : "bigint";
    await db.schema
      .createTable("audit_log")
      // On SQLite an INTEGER PRIMARY KEY is the rowid itself: no second index to maintain on append.
      .addColumn("seq", serial, (c) => c.primaryKey())
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("subject", "text", (c) => c.notNull())
      // The canonical JSON text that was hashed, kept byte for byte (never jsonb, which reorders keys).
      .addColumn("data", "text", (c) => c.notNull())
      .addColumn("prev_hash", "text", (c) => c.notNull())
      .addColumn("hash", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("audit_anchors")
      .addColumn("id", serial, (c) =>
        dialect === "sqlite" ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity(),
      )
      .addColumn("seq", serial, (c) => c.notNull())
      .addColumn("hash", "text", (c) => c.notNull())
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("destination", "text")
      .execute();
    for (const table of ["audit_log", "audit_anchors"]) await appendOnly(db, dialect, table);
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("audit_anchors").execute();
    await db.schema.dropTable("audit_log").execute();
    if (dialect === "postgres") await sql`drop function if exists upshift_append_only()`.execute(db);
  },
});

async function appendOnly(db: Kysely<unknown>, dialect: DialectName, table: string): Promise<void> {
  const t = sql.raw(table);
  if (dialect === "sqlite") {
    for (const op of ["update", "delete"]) {
      const name = sql.raw(`${table}_no_${op}`);
      await sql`create trigger ${name} before ${sql.raw(op)} on ${t}
        begin select raise(abort, ${sql.lit(`${table} is append-only: ${op} refused`)}); end`.execute(db);
    }
    return;
  }
  await sql`create or replace function upshift_append_only() returns trigger language plpgsql as $$
    begin raise exception '% is append-only: % refused', tg_table_name, lower(tg_op); end $$`.execute(db);
  await sql`create trigger ${sql.raw(`${table}_no_change`)} before update or delete on ${t}
    for each row execute function upshift_append_only()`.execute(db);
  await sql`create trigger ${sql.raw(`${table}_no_truncate`)} before truncate on ${t}
    for each statement execute function upshift_append_only()`.execute(db);
}
