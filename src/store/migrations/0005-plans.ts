import type { Kysely, Migration } from "kysely";

/** Plans as computed, with the generations of the documents they were made from. */
export const plans = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("plans")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("release", "text", (c) => c.notNull())
      .addColumn("environment", "text")
      .addColumn("feasible", "integer", (c) => c.notNull())
      .addColumn("body", "text", (c) => c.notNull())
      .addColumn("generations", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("created_by", "text")
      .execute();
    await db.schema.createIndex("plans_release").on("plans").columns(["release", "created_at"]).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("plans").execute();
  },
});
