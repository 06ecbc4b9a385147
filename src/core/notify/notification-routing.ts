import { hash } from "node:crypto";
import { environmentOfEvent, type NotificationEvent } from "./notification-event.js";
import type {
  NotificationChannelSpec,
  NotificationRecipientSpec,
  NotificationsSpec,
} from "./notification-policy.js";

/** A Policy's notification section, named for messages and ids. */
export interface NotificationPolicy {
  readonly policy: string;
  readonly spec: NotificationsSpec;
}

/** One message to send: an event, through a channel, to a recipient (e-mail) or the channel itself. */
export interface NotificationDelivery {
  /** Stable across retries and re-dispatch: SMTP Message-ID and webhook idempotency key. */
  readonly id: string;
  readonly policy: string;
  readonly channel: NotificationChannelSpec;
  readonly recipient: NotificationRecipientSpec | undefined;
  /** The zone times are shown in: the recipient's, else the channel's, else UTC. */
  readonly timeZone: string;
}

/**
 * The deliveries an event calls for under the given policies: every route whose events include the
 * event's kind and whose environments (if any) include its environment; one delivery per channel
 * and recipient, however many routes name them.
 */
export function routeNotification(
  event: NotificationEvent,
  policies: readonly NotificationPolicy[],
): NotificationDelivery[] {
  const environment = environmentOfEvent(event);
  const deliveries = new Map<string, NotificationDelivery>();
  for (const { policy, spec } of policies) {
    const channels = new Map(spec.channels.map((c) => [c.name, c]));
    const recipients = new Map((spec.recipients ?? []).map((r) => [r.name, r]));
    for (const route of spec.routes) {
      if (!route.events.includes(event.kind)) continue;
      if (route.environments !== undefined && !route.environments.includes(environment)) continue;
      for (const name of route.channels) {
        const channel = channels.get(name);
        if (channel === undefined) continue; // refused when the Policy was validated
        const targets =
          channel.type === "email"
            ? (route.recipients ?? []).flatMap((r) => {
                const found = recipients.get(r);
                return found === undefined ? [] : [found];
              })
            : [undefined];
        for (const recipient of targets) {
          const key = `${policy}/${channel.name}/${recipient?.name ?? ""}`;
          if (deliveries.has(key)) continue;
          const timeZone =
            recipient?.timeZone ?? ("timeZone" in channel ? channel.timeZone : undefined) ?? "UTC";
          deliveries.set(key, {
            id: notificationId(event.seq, event.kind, key),
            policy,
            channel,
            recipient,
            timeZone,
          });
        }
      }
    }
  }
  return [...deliveries.values()];
}

/** `ntf-` and 32 hex digits of sha256 over the audit entry, event and destination: the same on every replay. */
export function notificationId(seq: number, kind: string, destination: string): string {
  return `ntf-${hash("sha256", `${seq}\n${kind}\n${destination}`, "hex").slice(0, 32)}`;
}
