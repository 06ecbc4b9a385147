import type { Kysely, Migration } from "kysely";
import type { DialectName } from "../dialect-name.js";

/** Backfill checkpoints: one row per backfill, rewritten after every batch. */
export const backfills = (_dialect: DialectName): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("backfill_checkpoints")
      .addColumn("name", "text", (c) => c.primaryKey())
      .addColumn("fingerprint", "text", (c) => c.notNull())
      .addColumn("target_table", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("last_key", "text")
      .addColumn("rows_done", "bigint", (c) => c.notNull())
      .addColumn("batches", "bigint", (c) => c.notNull())
      .addColumn("checksum", "text", (c) => c.notNull())
      .addColumn("batch_size", "integer", (c) => c.notNull())
      .addColumn("started_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addColumn("finished_at", "bigint")
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("backfill_checkpoints").execute();
  },
});
