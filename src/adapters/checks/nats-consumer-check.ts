/**
 * Backlog and retries of a NATS JetStream consumer: `num_pending` (messages not yet delivered),
 * `num_ack_pending` (delivered, not acknowledged) and `num_redelivered` from the consumer's info
 * (JetStream API `CONSUMER.INFO`), each against its bound.
 */
import { connect, type NatsConnection } from "nats";
import { type Bound, checkBounds } from "../../core/analysis/check-bounds.js";
import type { Check, CheckOutcome } from "../../core/analysis/check-outcome.js";

export interface NatsConsumerCheckOptions {
  /** nats://host:4222, or several separated by commas. */
  readonly servers: string;
  readonly stream: string;
  readonly consumer: string;
  readonly pending?: Bound | undefined;
  readonly ackPending?: Bound | undefined;
  readonly redelivered?: Bound | undefined;
  readonly timeoutMs?: number | undefined;
}

/** A check of a JetStream consumer's pending and redelivered counts against their bounds. */
export function natsConsumerCheck(options: NatsConsumerCheckOptions): Check {
  const subject = `NATS consumer "${options.stream}/${options.consumer}"`;
  return {
    kind: "nats-consumer",
    name: `${options.stream}/${options.consumer}`,
    async run(): Promise<CheckOutcome> {
      let nc: NatsConnection | undefined;
      try {
        nc = await connect({
          servers: options.servers.split(","),
          timeout: options.timeoutMs ?? 10_000,
          reconnect: false,
        });
        const jsm = await nc.jetstreamManager({ timeout: options.timeoutMs ?? 10_000 });
        const info = await jsm.consumers.info(options.stream, options.consumer);
        return checkBounds(
          subject,
          { pending: info.num_pending, ackPending: info.num_ack_pending, redelivered: info.num_redelivered },
          {
            pending: options.pending ?? {},
            ackPending: options.ackPending ?? {},
            redelivered: options.redelivered ?? {},
          },
        );
      } catch (error) {
        return { kind: "error", message: `${subject}: ${(error as Error).message}`, evidence: {} };
      } finally {
        await nc?.close().catch(() => {});
      }
    },
  };
}
