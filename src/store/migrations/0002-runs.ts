import type { Kysely, Migration } from "kysely";
import type { DialectName } from "../dialect-name.js";

/** Runs, their steps (with leases for claiming), signals, events and per-service run locks. */
export const runs = (dialect: DialectName): Migration => ({
  async up(db: Kysely<unknown>) {
    const serial = dialect === "sqlite" ? "integer" : "bigint";
    await db.schema
      .createTable("runs")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("release", "text", (c) => c.notNull())
      .addColumn("environment", "text", (c) => c.notNull())
      .addColumn("phase", "text", (c) => c.notNull())
      .addColumn("message", "text", (c) => c.notNull())
      .addColumn("conditions", "text", (c) => c.notNull())
      .addColumn("plan", "text", (c) => c.notNull())
      .addColumn("started_by", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addColumn("finished_at", "bigint")
      .execute();
    await db.schema
      .createTable("steps")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("run_id", "text", (c) => c.notNull().references("runs.id"))
      .addColumn("environment", "text", (c) => c.notNull())
      .addColumn("key", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("service", "text")
      .addColumn("wave", "integer", (c) => c.notNull())
      .addColumn("direction", "text", (c) => c.notNull())
      .addColumn("depends_on", "text", (c) => c.notNull())
      .addColumn("input", "text", (c) => c.notNull())
      .addColumn("output", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("attempt", "integer", (c) => c.notNull())
      .addColumn("lease_owner", "text")
      .addColumn("lease_generation", "integer", (c) => c.notNull())
      .addColumn("lease_expires_at", "bigint")
      .addColumn("heartbeat_at", "bigint")
      .addColumn("wake_at", "bigint")
      .addColumn("ready_at", "bigint")
      .addColumn("claimed_at", "bigint")
      .addColumn("claim_kind", "text")
      .addColumn("due_at", "bigint")
      .addColumn("message", "text")
      .addColumn("started_at", "bigint")
      .addColumn("finished_at", "bigint")
      .addUniqueConstraint("steps_run_key", ["run_id", "key"])
      .execute();
    // Every dispatchable step (ready, timed wait, running under lease) has due_at: one index finds work.
    await db.schema.createIndex("steps_due").on("steps").column("due_at").execute();
    await db.schema.createIndex("steps_run").on("steps").columns(["run_id"]).execute();
    await db.schema
      .createTable("run_signals")
      .addColumn("id", serial, (c) =>
        dialect === "sqlite" ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity(),
      )
      .addColumn("run_id", "text", (c) => c.notNull().references("runs.id"))
      .addColumn("step_key", "text")
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("value", "text")
      .addColumn("reason", "text")
      .addColumn("by", "text", (c) => c.notNull())
      .addColumn("at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("run_signals_run").on("run_signals").columns(["run_id"]).execute();
    await db.schema
      .createTable("run_events")
      .addColumn("id", serial, (c) =>
        dialect === "sqlite" ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity(),
      )
      .addColumn("run_id", "text", (c) => c.notNull().references("runs.id"))
      .addColumn("at", "bigint", (c) => c.notNull())
      .addColumn("type", "text", (c) => c.notNull())
      .addColumn("step_key", "text")
      .addColumn("data", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("run_events_run").on("run_events").columns(["run_id", "id"]).execute();
    await db.schema
      .createTable("run_locks")
      .addColumn("service", "text", (c) => c.notNull())
      .addColumn("environment", "text", (c) => c.notNull())
      .addColumn("run_id", "text", (c) => c.notNull().references("runs.id"))
      .addPrimaryKeyConstraint("run_locks_pk", ["service", "environment"])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const t of ["run_locks", "run_events", "run_signals", "steps", "runs"])
      await db.schema.dropTable(t).execute();
  },
});
