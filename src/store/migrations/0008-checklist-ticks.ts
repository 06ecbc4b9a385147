import type { Kysely, Migration } from "kysely";
import type { DialectName } from "../dialect-name.js";

/** Manual checklist ticks: every pass or fail a person gave an item of a step's checklist, kept in order. */
export const checklistTicks = (dialect: DialectName): Migration => ({
  async up(db: Kysely<unknown>) {
    const serial = dialect === "sqlite" ? "integer" : "bigint";
    await db.schema
      .createTable("checklist_ticks")
      .addColumn("id", serial, (c) =>
        dialect === "sqlite" ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity(),
      )
      .addColumn("run_id", "text", (c) => c.notNull())
      .addColumn("step_key", "text", (c) => c.notNull())
      .addColumn("item", "text", (c) => c.notNull())
      .addColumn("result", "text", (c) => c.notNull())
      .addColumn("note", "text")
      .addColumn("by", "text", (c) => c.notNull())
      .addColumn("at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("checklist_ticks_by_step")
      .on("checklist_ticks")
      .columns(["run_id", "step_key", "id"])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("checklist_ticks").execute();
  },
});
