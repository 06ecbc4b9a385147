import { z } from "zod";
import { dnsLabel, timeZone } from "../documents/common-schemas.js";

/** The events a Policy can route; one template each. */
export const NOTIFICATION_EVENT_KINDS = [
  "approval-requested",
  "downtime-scheduled",
  "started",
  "completed",
  "failed",
  "rolled-back",
  "emergency",
] as const;
export type NotificationEventKind = (typeof NOTIFICATION_EVENT_KINDS)[number];

const secretOrLiteral = z
  .string()
  .min(1)
  .meta({ description: "a literal, or a secret reference: env:NAME or file:/absolute/path" });

const emailChannel = z.strictObject({
  name: dnsLabel,
  type: z.literal("email"),
  host: z.string().min(1),
  port: z.int().min(1).max(65535).optional(),
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure: z.boolean().optional(),
  username: secretOrLiteral.optional(),
  password: secretOrLiteral.optional(),
  from: z.string().min(3),
});

const webhookChannel = z.strictObject({
  name: dnsLabel,
  type: z.literal("webhook"),
  url: secretOrLiteral,
  /** HMAC-SHA256 key for the signature header; a secret reference in practice. */
  secret: secretOrLiteral,
  /** Zone the window is shown in (default UTC). */
  timeZone: timeZone.optional(),
});

const slackChannel = z.strictObject({
  name: dnsLabel,
  type: z.literal("slack"),
  /** A Slack-compatible incoming webhook URL: a secret reference, since the URL is the credential. */
  url: secretOrLiteral,
  timeZone: timeZone.optional(),
});

const channel = z.discriminatedUnion("type", [emailChannel, webhookChannel, slackChannel]);

const recipient = z.strictObject({
  name: dnsLabel,
  email: z.string().regex(/^[^\s@]+@[^\s@]+$/, "must be an e-mail address such as ops@example.com"),
  timeZone,
});

const route = z.strictObject({
  events: z.array(z.enum(NOTIFICATION_EVENT_KINDS)).min(1),
  /** Only changes and runs in these environments (default: all). */
  environments: z.array(dnsLabel).optional(),
  channels: z.array(dnsLabel).min(1),
  /** Who an e-mail channel writes to; each sees times in their own zone. */
  recipients: z.array(dnsLabel).optional(),
});

/** Policy `spec.notifications`: channels, recipients with their time zones, and which events go where. */
export const notificationsSpec = z
  .strictObject({
    channels: z.array(channel),
    recipients: z.array(recipient).optional(),
    routes: z.array(route),
  })
  .superRefine((spec, ctx) => {
    const channels = new Map(spec.channels.map((c) => [c.name, c]));
    const recipients = new Set((spec.recipients ?? []).map((r) => r.name));
    const duplicate = (names: readonly string[], what: string, key: string) => {
      const seen = new Set<string>();
      names.forEach((n, i) => {
        if (seen.has(n))
          ctx.addIssue({
            code: "custom",
            path: [key, i, "name"],
            message: `is declared as a ${what} name twice`,
          });
        seen.add(n);
      });
    };
    duplicate(
      spec.channels.map((c) => c.name),
      "channel",
      "channels",
    );
    duplicate(
      (spec.recipients ?? []).map((r) => r.name),
      "recipient",
      "recipients",
    );
    const known = [...channels.keys()].join(", ") || "none declared";
    spec.routes.forEach((r, i) => {
      r.channels.forEach((name, j) => {
        const c = channels.get(name);
        if (c === undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["routes", i, "channels", j],
            message: `is not a declared channel; declared channels: ${known}`,
          });
        } else if (c.type === "email" && (r.recipients ?? []).length === 0) {
          ctx.addIssue({
            code: "custom",
            path: ["routes", i, "channels", j],
            message: "is an e-mail channel, which needs recipients on this route",
          });
        }
      });
      (r.recipients ?? []).forEach((name, j) => {
        if (!recipients.has(name))
          ctx.addIssue({
            code: "custom",
            path: ["routes", i, "recipients", j],
            message: `is not a declared recipient; declared recipients: ${[...recipients].join(", ") || "none"}`,
          });
      });
    });
  });

export type NotificationsSpec = z.infer<typeof notificationsSpec>;
export type NotificationChannelSpec = NotificationsSpec["channels"][number];
export type NotificationRecipientSpec = NonNullable<NotificationsSpec["recipients"]>[number];
