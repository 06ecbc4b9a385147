import { SIGNATURE_HEADER, signWebhook } from "../../core/notify/webhook-signature.js";
import type { NotificationSender, SendableMessage } from "./notification-sender.js";
import type { ResolvedChannel } from "./resolve-channel.js";

/** How long one POST may take before it counts as failed (and is retried later). */
const TIMEOUT_MS = 10_000;

/** Posts a JSON body and throws unless the receiver answers 2xx. */
export async function postJson(
  url: string,
  body: string,
  headers: Readonly<Record<string, string>>,
): Promise<void> {
  const response = await fetch(url, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...headers },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!response.ok) {
    const text = (await response.text().catch(() => "")).slice(0, 200);
    throw new Error(`${new URL(url).host} answered ${response.status}${text ? `: ${text}` : ""}`);
  }
}

/**
 * Sends CloudEvents (structured JSON mode) signed with HMAC-SHA256 over `<t>.<body>`; the
 * `idempotency-key` header carries the message's stable id.
 */
export function webhookSender(
  channel: Extract<ResolvedChannel, { type: "webhook" }>,
  now: () => number = Date.now,
): NotificationSender {
  return {
    async send(message: SendableMessage) {
      if (message.payload === null) throw new Error(`webhook message ${message.id} has no payload`);
      await postJson(channel.url, message.payload, {
        "content-type": "application/cloudevents+json; charset=utf-8",
        [SIGNATURE_HEADER]: signWebhook(channel.secret, message.payload, Math.floor(now() / 1000)),
        "idempotency-key": message.id,
      });
    },
    async close() {},
  };
}

/** Sends to a Slack-compatible incoming webhook (`{"text": …}`); the URL is the credential. */
export function slackSender(channel: Extract<ResolvedChannel, { type: "slack" }>): NotificationSender {
  return {
    async send(message: SendableMessage) {
      if (message.payload === null) throw new Error(`Slack message ${message.id} has no payload`);
      await postJson(channel.url, message.payload, { "idempotency-key": message.id });
    },
    async close() {},
  };
}
