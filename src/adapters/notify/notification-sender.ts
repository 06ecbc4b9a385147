/** What a channel needs of an outbox message to send it. */
export interface SendableMessage {
  /** Stable id: SMTP Message-ID and the webhook `idempotency-key`. */
  readonly id: string;
  readonly address: string | null;
  readonly subject: string;
  readonly bodyText: string;
  readonly bodyHtml: string | null;
  /** JSON body for webhook and Slack channels. */
  readonly payload: string | null;
}

/** One channel's way out. `send` resolves once the far side accepted the message, and throws otherwise. */
export interface NotificationSender {
  send(message: SendableMessage): Promise<void>;
  close(): Promise<void>;
}
