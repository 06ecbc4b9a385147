import nodemailer from "nodemailer";
import type { NotificationSender, SendableMessage } from "./notification-sender.js";
import type { ResolvedChannel } from "./resolve-channel.js";

/** Sends over SMTP with nodemailer; one pooled transport per channel. */
export function emailSender(channel: Extract<ResolvedChannel, { type: "email" }>): NotificationSender {
  const transport = nodemailer.createTransport({
    host: channel.host,
    port: channel.port,
    secure: channel.secure,
    ...(channel.auth === undefined ? {} : { auth: { user: channel.auth.user, pass: channel.auth.pass } }),
    pool: true,
    maxConnections: 2,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(message: SendableMessage) {
      if (message.address === null) throw new Error(`e-mail ${message.id} has no recipient address`);
      await transport.sendMail({
        from: channel.from,
        to: message.address,
        subject: message.subject,
        text: message.bodyText,
        ...(message.bodyHtml === null ? {} : { html: message.bodyHtml }),
        // The stable id: a receiver (or a mail archive) sees a re-sent message as the same one.
        messageId: `<${message.id}@upshift>`,
        headers: { "X-Upshift-Notification": message.id },
      });
    },
    async close() {
      transport.close();
    },
  };
}
