import { createHash } from "node:crypto";
import { readSecret } from "../../adapters/drivers/process/read-secret.js";
import { emailSender } from "../../adapters/notify/email-sender.js";
import type { NotificationSender } from "../../adapters/notify/notification-sender.js";
import { resolveChannel } from "../../adapters/notify/resolve-channel.js";
import { slackSender, webhookSender } from "../../adapters/notify/webhook-sender.js";
import { type BackoffPolicy, DEFAULT_BACKOFF, retryDelayMs } from "../../core/notify/delivery-backoff.js";
import type { SecretReader } from "../../core/rollout/resolve-secrets.js";
import type { NotificationMessage } from "../../store/notification-repository.js";
import type { Store } from "../../store/store.js";
import { loadNotificationPolicies } from "./notification-policies.js";

export interface DeliveryOptions {
  /** This sender's name in claims (unique per process). */
  readonly owner: string;
  readonly backoff?: BackoffPolicy;
  /** How long a claim holds a message while it is being sent. */
  readonly leaseMs?: number;
  readonly batchSize?: number;
  readonly readSecret?: SecretReader;
  readonly random?: () => number;
  readonly log?: (message: string, fields: Record<string, unknown>) => void;
}

/**
 * Sends due outbox messages, each channel's in order and channels side by side, so one channel
 * that is down delays only its own messages. A message is marked sent only after the far side
 * accepted it; a failure schedules the next attempt with exponential backoff.
 */
export class NotificationDelivery {
  private readonly senders = new Map<string, { fingerprint: string; sender: NotificationSender }>();

  constructor(
    private readonly store: Store,
    private readonly options: DeliveryOptions,
  ) {}

  /** Sends what is due now; returns how many messages were attempted. */
  async deliverOnce(now: () => number): Promise<number> {
    const claimed = await this.store.notifications.claimDue(
      this.options.owner,
      now(),
      this.options.leaseMs ?? 60_000,
      this.options.batchSize ?? 50,
    );
    if (claimed.length === 0) return 0;
    const policies = await loadNotificationPolicies(this.store);
    const byChannel = new Map<string, NotificationMessage[]>();
    for (const m of claimed) {
      const key = `${m.policy}/${m.channel}`;
      byChannel.set(key, [...(byChannel.get(key) ?? []), m]);
    }
    await Promise.all(
      [...byChannel.entries()].map(async ([key, messages]) => {
        const [policy] = key.split("/") as [string];
        const spec = policies
          .find((p) => p.policy === policy)
          ?.spec.channels.find((c) => c.name === messages[0]?.channel);
        for (const message of messages) {
          try {
            if (spec === undefined)
              throw new Error(`channel "${message.channel}" is no longer declared in Policy/${policy}`);
            const sender = this.senderFor(key, policy, spec);
            await sender.send(message);
          } catch (error) {
            const reason = error instanceof Error ? error.message : String(error);
            const delay = retryDelayMs(
              message.attempts + 1,
              this.options.backoff ?? DEFAULT_BACKOFF,
              (this.options.random ?? Math.random)(),
            );
            this.options.log?.("notification not delivered; will retry", {
              id: message.id,
              channel: key,
              attempts: message.attempts + 1,
              retryInMs: delay,
              reason,
            });
            await this.store.notifications.markFailed(message, this.options.owner, reason, now() + delay);
            continue;
          }
          await this.store.notifications.markSent(message, this.options.owner, now());
        }
      }),
    );
    return claimed.length;
  }

  /** Closes pooled connections. */
  async close(): Promise<void> {
    await Promise.all([...this.senders.values()].map((s) => s.sender.close()));
    this.senders.clear();
  }

  private senderFor(
    key: string,
    policy: string,
    spec: Parameters<typeof resolveChannel>[1],
  ): NotificationSender {
    const channel = resolveChannel(policy, spec, this.options.readSecret ?? readSecret);
    // Rebuilt when the channel's settings or resolved secrets change (a Policy applied, a secret rotated).
    const fingerprint = createHash("sha256").update(JSON.stringify(channel)).digest("hex");
    const known = this.senders.get(key);
    if (known?.fingerprint === fingerprint) return known.sender;
    void known?.sender.close();
    const sender =
      channel.type === "email"
        ? emailSender(channel)
        : channel.type === "webhook"
          ? webhookSender(channel)
          : slackSender(channel);
    this.senders.set(key, { fingerprint, sender });
    return sender;
  }
}
