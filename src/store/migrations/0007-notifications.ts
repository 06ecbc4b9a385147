import type { Kysely, Migration } from "kysely";
import type { DialectName } from "../dialect-name.js";

/**
 * The notification outbox and the dispatcher's cursor into the audit log. A message row is written
 * in the same transaction that moves the cursor past the entry it announces, so none is lost; sent
 * rows stay, as the archive of a change's communications.
 */
export const notifications = (dialect: DialectName): Migration => ({
  async up(db: Kysely<unknown>) {
    const big = dialect === "sqlite" ? "integer" : "bigint";
    await db.schema
      .createTable("notification_cursor")
      .addColumn("name", "text", (c) => c.primaryKey())
      .addColumn("seq", big, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("notification_outbox")
      // Stable id (ntf-…): SMTP Message-ID and the webhook idempotency key.
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("audit_seq", big, (c) => c.notNull())
      .addColumn("event", "text", (c) => c.notNull())
      .addColumn("change_number", "text")
      .addColumn("run_id", "text")
      .addColumn("policy", "text", (c) => c.notNull())
      .addColumn("channel", "text", (c) => c.notNull())
      .addColumn("channel_type", "text", (c) => c.notNull())
      .addColumn("recipient", "text")
      .addColumn("address", "text")
      .addColumn("time_zone", "text", (c) => c.notNull())
      .addColumn("subject", "text", (c) => c.notNull())
      .addColumn("body_text", "text", (c) => c.notNull())
      .addColumn("body_html", "text")
      // The JSON sent to a webhook or Slack channel, exactly as signed.
      .addColumn("payload", "text")
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull())
      .addColumn("next_attempt_at", big, (c) => c.notNull())
      .addColumn("claimed_by", "text")
      .addColumn("claimed_until", big)
      .addColumn("last_error", "text")
      .addColumn("created_at", big, (c) => c.notNull())
      .addColumn("sent_at", big)
      .execute();
    await db.schema
      .createIndex("notification_outbox_due")
      .on("notification_outbox")
      .columns(["state", "next_attempt_at"])
      .execute();
    await db.schema
      .createIndex("notification_outbox_change")
      .on("notification_outbox")
      .columns(["change_number", "audit_seq"])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("notification_outbox").execute();
    await db.schema.dropTable("notification_cursor").execute();
  },
});
