import { type Kysely, sql } from "kysely";
import type { AuditRepository } from "./audit-repository.js";
import type { Database } from "./database.js";
import type { NotificationOutboxTable, NotificationTables } from "./notification-tables.js";
import type { Schema } from "./schema.js";

/** A message as the dispatcher renders it, ready to queue. */
export interface NewNotification {
  readonly id: string;
  readonly auditSeq: number;
  readonly event: string;
  readonly changeNumber: string | null;
  readonly runId: string | null;
  readonly policy: string;
  readonly channel: string;
  readonly channelType: "email" | "webhook" | "slack";
  readonly recipient: string | null;
  readonly address: string | null;
  readonly timeZone: string;
  readonly subject: string;
  readonly bodyText: string;
  readonly bodyHtml: string | null;
  readonly payload: string | null;
}

/** A queued or sent message: the outbox row, and the archive of what a change communicated. */
export interface NotificationMessage extends NewNotification {
  readonly state: "pending" | "sent";
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly lastError: string | null;
  readonly createdAt: number;
  readonly sentAt: number | null;
}

type Db = Kysely<Schema & NotificationTables>;

/**
 * The notification outbox. The dispatcher queues messages and moves its cursor through the audit
 * log in one transaction (compare-and-set on the cursor, so two replicas never both queue a batch);
 * senders claim due messages under a short lease and mark each sent, with an audit entry, once.
 */
export class NotificationRepository {
  private readonly db: Db;

  constructor(
    private readonly database: Database,
    private readonly audit: AuditRepository,
  ) {
    this.db = database.db.withTables<NotificationTables>();
  }

  /** The last audit sequence number the named dispatcher has handled (0 before the first). */
  async cursor(name: string): Promise<number> {
    const row = await this.db
      .selectFrom("notification_cursor")
      .select("seq")
      .where("name", "=", name)
      .executeTakeFirst();
    return row === undefined ? 0 : Number(row.seq);
  }

  /**
   * Creates the named cursor at `seq` unless it exists; returns where it stands. A dispatcher
   * started for the first time begins at the head, so enabling notifications does not announce
   * history again.
   */
  async ensureCursor(name: string, seq: number): Promise<number> {
    await this.db
      .insertInto("notification_cursor")
      .values({ name, seq })
      .onConflict((oc) => oc.column("name").doNothing())
      .execute();
    return this.cursor(name);
  }

  /**
   * Queues `messages` and moves the cursor from `from` to `to` in one transaction. Returns false,
   * queuing nothing, when the cursor is no longer at `from` (another replica got there first).
   * Queuing a message id twice keeps the first: ids are stable, so a replay adds nothing.
   */
  async enqueue(
    name: string,
    from: number,
    to: number,
    messages: readonly NewNotification[],
    now: number,
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      if (from === 0)
        await trx
          .insertInto("notification_cursor")
          .values({ name, seq: 0 })
          .onConflict((oc) => oc.column("name").doNothing())
          .execute();
      const moved = await trx
        .updateTable("notification_cursor")
        .set({ seq: to })
        .where("name", "=", name)
        .where("seq", "=", from)
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) !== 1) return false;
      for (const m of messages)
        await trx
          .insertInto("notification_outbox")
          .values(toRow(m, now))
          .onConflict((oc) => oc.column("id").doNothing())
          .execute();
      return true;
    });
  }

  /**
   * Claims up to `limit` due messages for `owner` until `now + leaseMs`: pending, due, and not
   * held by a live claim. PostgreSQL skips rows another replica is claiming at the same moment.
   */
  async claimDue(owner: string, now: number, leaseMs: number, limit: number): Promise<NotificationMessage[]> {
    const lock = this.database.dialect === "postgres" ? sql`for update skip locked` : sql``;
    const result = await sql<NotificationOutboxTable>`
      update notification_outbox set claimed_by = ${owner}, claimed_until = ${now + leaseMs}
      where id in (
        select id from notification_outbox
        where state = 'pending' and next_attempt_at <= ${now} and (claimed_until is null or claimed_until < ${now})
        order by next_attempt_at, audit_seq limit ${limit} ${lock})
      returning *`.execute(this.database.db);
    return result.rows.map(fromRow).sort((a, b) => a.auditSeq - b.auditSeq || a.id.localeCompare(b.id));
  }

  /**
   * Marks a message sent and appends `notification.sent` to the audit log, together; false when
   * `owner` no longer holds it (its lease ran out and another sender took it).
   */
  async markSent(message: NotificationMessage, owner: string, now: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const done = await trx
        .updateTable("notification_outbox")
        .set({
          state: "sent",
          sent_at: now,
          attempts: sql`attempts + 1`,
          claimed_by: null,
          claimed_until: null,
        })
        .where("id", "=", message.id)
        .where("claimed_by", "=", owner)
        .where("state", "=", "pending")
        .executeTakeFirst();
      if (Number(done.numUpdatedRows) !== 1) return false;
      await this.audit.appendWithin(trx as unknown as Kysely<Schema>, [
        {
          at: new Date(now).toISOString(),
          actor: "system",
          action: "notification.sent",
          subject: message.changeNumber ?? (message.runId === null ? message.id : `run/${message.runId}`),
          data: {
            id: message.id,
            event: message.event,
            channel: message.channel,
            recipient: message.recipient,
            attempts: message.attempts + 1,
          },
        },
      ]);
      return true;
    });
  }

  /** Records a failed attempt and when to try again; releases the claim. */
  async markFailed(
    message: NotificationMessage,
    owner: string,
    error: string,
    nextAttemptAt: number,
  ): Promise<void> {
    await this.db
      .updateTable("notification_outbox")
      .set({
        attempts: sql`attempts + 1`,
        last_error: error.slice(0, 2000),
        next_attempt_at: nextAttemptAt,
        claimed_by: null,
        claimed_until: null,
      })
      .where("id", "=", message.id)
      .where("claimed_by", "=", owner)
      .execute();
  }

  /** Every message about a change, queued or sent, in the order the audit log gave rise to them. */
  async forChange(changeNumber: string): Promise<NotificationMessage[]> {
    const rows = await this.db
      .selectFrom("notification_outbox")
      .selectAll()
      .where("change_number", "=", changeNumber)
      .orderBy("audit_seq")
      .orderBy("id")
      .execute();
    return rows.map(fromRow);
  }

  /** Messages not yet sent, oldest first (for status and tests). */
  async pending(): Promise<NotificationMessage[]> {
    const rows = await this.db
      .selectFrom("notification_outbox")
      .selectAll()
      .where("state", "=", "pending")
      .orderBy("audit_seq")
      .execute();
    return rows.map(fromRow);
  }

  /** The earliest time a pending message falls due, or null when none is pending. */
  async nextDueAt(): Promise<number | null> {
    const row = await this.db
      .selectFrom("notification_outbox")
      .select((eb) => eb.fn.min("next_attempt_at").as("due"))
      .where("state", "=", "pending")
      .executeTakeFirst();
    return row?.due === null || row?.due === undefined ? null : Number(row.due);
  }
}

function toRow(m: NewNotification, now: number): NotificationOutboxTable {
  return {
    id: m.id,
    audit_seq: m.auditSeq,
    event: m.event,
    change_number: m.changeNumber,
    run_id: m.runId,
    policy: m.policy,
    channel: m.channel,
    channel_type: m.channelType,
    recipient: m.recipient,
    address: m.address,
    time_zone: m.timeZone,
    subject: m.subject,
    body_text: m.bodyText,
    body_html: m.bodyHtml,
    payload: m.payload,
    state: "pending",
    attempts: 0,
    next_attempt_at: now,
    claimed_by: null,
    claimed_until: null,
    last_error: null,
    created_at: now,
    sent_at: null,
  };
}

function fromRow(r: NotificationOutboxTable): NotificationMessage {
  return {
    id: r.id,
    auditSeq: Number(r.audit_seq),
    event: r.event,
    changeNumber: r.change_number,
    runId: r.run_id,
    policy: r.policy,
    channel: r.channel,
    channelType: r.channel_type as NewNotification["channelType"],
    recipient: r.recipient,
    address: r.address,
    timeZone: r.time_zone,
    subject: r.subject,
    bodyText: r.body_text,
    bodyHtml: r.body_html,
    payload: r.payload,
    state: r.state as NotificationMessage["state"],
    attempts: Number(r.attempts),
    nextAttemptAt: Number(r.next_attempt_at),
    lastError: r.last_error,
    createdAt: Number(r.created_at),
    sentAt: r.sent_at === null ? null : Number(r.sent_at),
  };
}
