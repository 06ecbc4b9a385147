import { renderNotification } from "../../adapters/notify/render-notification.js";
import type { StoredAuditRecord } from "../../core/audit/audit-entry.js";
import type { JsonValue } from "../../core/audit/canonical-json.js";
import { cloudEventOf } from "../../core/notify/cloud-event.js";
import {
  changeNumberOfEvent,
  type NotificationEvent,
  notificationEventOf,
  notificationTriggerOf,
} from "../../core/notify/notification-event.js";
import type { NotificationFactsPort } from "../../core/notify/notification-facts.js";
import { type NotificationDelivery, routeNotification } from "../../core/notify/notification-routing.js";
import { notificationView } from "../../core/notify/notification-view.js";
import type { NewNotification } from "../../store/notification-repository.js";
import type { Store } from "../../store/store.js";
import { loadNotificationPolicies } from "./notification-policies.js";

/** The cursor's name in notification_cursor. */
export const DISPATCH_CURSOR = "dispatcher";

/** Actions that can trigger a notification: only these entries' data is parsed. */
const TRIGGER_ACTIONS = new Set([
  "change.approval-requested",
  "change.transition",
  "change.create",
  "run.start",
  "run.finish",
]);

/**
 * Tails the audit log from its durable cursor and queues the notifications each entry calls for.
 * Queuing and moving the cursor are one transaction: a crash between reading and queuing replays
 * the same entries, and stable message ids make the replay add nothing.
 */
export class NotificationDispatcher {
  constructor(
    private readonly store: Store,
    private readonly facts: NotificationFactsPort,
    private readonly options: { readonly batchSize?: number; readonly source?: string } = {},
  ) {}

  /** Starts the cursor at the log's head if it has none (history is not announced). */
  async begin(): Promise<number> {
    return this.store.notifications.ensureCursor(DISPATCH_CURSOR, (await this.store.audit.head()).seq);
  }

  /** Handles the next batch of entries; returns how many entries it moved past (0 when caught up). */
  async dispatchOnce(now: number): Promise<number> {
    const from = await this.store.notifications.cursor(DISPATCH_CURSOR);
    const size = this.options.batchSize ?? 500;
    const records: StoredAuditRecord[] = [];
    await this.store.audit.scan((batch) => records.push(...batch), { after: from, upTo: from + size }, size);
    const last = records.at(-1);
    if (last === undefined) return 0;
    const policies = await loadNotificationPolicies(this.store);
    const messages: NewNotification[] = [];
    if (policies.length > 0)
      for (const record of records) {
        if (!TRIGGER_ACTIONS.has(record.action)) continue;
        const entry = { ...record, data: JSON.parse(record.dataJson) as JsonValue };
        const trigger = notificationTriggerOf(entry);
        if (trigger === undefined) continue;
        const event = await notificationEventOf(entry, trigger, this.facts);
        if (event === undefined) continue;
        for (const delivery of routeNotification(event, policies))
          messages.push(this.message(event, delivery));
      }
    const moved = await this.store.notifications.enqueue(DISPATCH_CURSOR, from, last.seq, messages, now);
    return moved ? records.length : 0;
  }

  private message(event: NotificationEvent, delivery: NotificationDelivery): NewNotification {
    const rendered = renderNotification(notificationView(event, delivery.timeZone));
    const { channel } = delivery;
    const payload =
      channel.type === "webhook"
        ? JSON.stringify(cloudEventOf(event, delivery.id, this.options.source ?? "/upshift"))
        : channel.type === "slack"
          ? JSON.stringify({ text: `*${rendered.subject}*\n${rendered.text}` })
          : null;
    return {
      id: delivery.id,
      auditSeq: event.seq,
      event: event.kind,
      changeNumber: changeNumberOfEvent(event) ?? null,
      runId: "run" in event ? event.run.id : null,
      policy: delivery.policy,
      channel: channel.name,
      channelType: channel.type,
      recipient: delivery.recipient?.name ?? null,
      address: delivery.recipient?.email ?? null,
      timeZone: delivery.timeZone,
      subject: rendered.subject,
      bodyText: rendered.text,
      bodyHtml: channel.type === "email" ? rendered.html : null,
      payload,
    };
  }
}
