import type { ColumnDefinitionBuilder, Kysely, Migration } from "kysely";
import type { DialectName } from "../dialect-name.js";

/**
 * Change requests, their approvals, the runs that implement them and the services' change history
 * (the success score's inputs); tokens gain the identity and groups approval rules map to.
 */
export const changes = (dialect: DialectName): Migration => ({
  async up(db: Kysely<unknown>) {
    const serial = dialect === "sqlite" ? "integer" : "bigint";
    const identity = (c: ColumnDefinitionBuilder) =>
      dialect === "sqlite" ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity();
    await db.schema.alterTable("api_tokens").addColumn("identity", "text").execute();
    await db.schema.alterTable("api_tokens").addColumn("groups", "text").execute();
    await db.schema
      .createTable("changes")
      // The n of CHG-<n>; numbers are never reused.
      .addColumn("seq", serial, (c) => c.primaryKey())
      .addColumn("number", "text", (c) => c.notNull().unique())
      .addColumn("type", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("release", "text", (c) => c.notNull())
      .addColumn("environment", "text", (c) => c.notNull())
      .addColumn("window_start", "bigint")
      .addColumn("window_end", "bigint")
      .addColumn("requested_by", "text", (c) => c.notNull())
      // The core's ChangeRequest (state, approvals, rounds, history) as JSON: the source of truth.
      .addColumn("body", "text", (c) => c.notNull())
      // What it was made from: plan snapshot, rollback plan, dependents, risk table.
      .addColumn("details", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("changes_release_environment")
      .on("changes")
      .columns(["release", "environment", "state"])
      .execute();
    await db.schema
      .createTable("change_approvals")
      .addColumn("id", serial, identity)
      .addColumn("change_number", "text", (c) => c.notNull())
      .addColumn("round", "integer", (c) => c.notNull())
      .addColumn("identity", "text", (c) => c.notNull())
      .addColumn("groups", "text", (c) => c.notNull())
      .addColumn("decision", "text", (c) => c.notNull())
      .addColumn("comment", "text")
      .addColumn("at", "bigint", (c) => c.notNull())
      .addColumn("level", "integer", (c) => c.notNull())
      .addColumn("expires_at", "bigint")
      // Why the round ended, when it did: "invalidated: window changed …", "rejected: …".
      .addColumn("ended", "text")
      .execute();
    await db.schema
      .createIndex("change_approvals_change")
      .on("change_approvals")
      .columns(["change_number", "round"])
      .execute();
    await db.schema
      .createTable("change_runs")
      .addColumn("change_number", "text", (c) => c.notNull())
      .addColumn("run_id", "text", (c) => c.notNull())
      .addColumn("started_by", "text", (c) => c.notNull())
      .addColumn("linked_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("change_runs_pk", ["change_number", "run_id"])
      .execute();
    await db.schema
      .createTable("service_change_history")
      .addColumn("id", serial, identity)
      .addColumn("service", "text", (c) => c.notNull())
      .addColumn("environment", "text", (c) => c.notNull())
      .addColumn("change_number", "text", (c) => c.notNull())
      .addColumn("outcome", "text", (c) => c.notNull())
      // Priorities (1–3) of incidents the change caused, as a JSON array.
      .addColumn("incidents", "text", (c) => c.notNull())
      .addColumn("at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("service_change_history_service")
      .on("service_change_history")
      .columns(["service", "at"])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ["service_change_history", "change_runs", "change_approvals", "changes"])
      await db.schema.dropTable(table).execute();
    await db.schema.alterTable("api_tokens").dropColumn("groups").execute();
    await db.schema.alterTable("api_tokens").dropColumn("identity").execute();
  },
});
