/**
 * Queue depth on RabbitMQ: AMQP `queue.declare` passive (amqplib `checkQueue`) reports the ready
 * messages and the consumers; a queue that grows past its bound or loses its consumers fails.
 * A queue that does not exist, or a broker that cannot be reached, is an error of the check.
 */
import amqp from "amqplib";
import { type Bound, checkBounds } from "../../core/analysis/check-bounds.js";
import type { Check, CheckOutcome } from "../../core/analysis/check-outcome.js";

export interface RabbitmqQueueCheckOptions {
  /** amqp://user:password@host:5672/vhost */
  readonly url: string;
  readonly queue: string;
  readonly messages?: Bound | undefined;
  readonly consumers?: Bound | undefined;
  readonly timeoutMs?: number | undefined;
}

/** A check of one queue's message and consumer counts against their bounds. */
export function rabbitmqQueueCheck(options: RabbitmqQueueCheckOptions): Check {
  const subject = `RabbitMQ queue "${options.queue}"`;
  return {
    kind: "rabbitmq-queue",
    name: options.queue,
    async run(): Promise<CheckOutcome> {
      let connection: amqp.ChannelModel | undefined;
      try {
        connection = await amqp.connect(options.url, { timeout: options.timeoutMs ?? 10_000 });
        // checkQueue on a missing queue closes its channel with 404; the connection survives.
        connection.on("error", () => {});
        const channel = await connection.createChannel();
        channel.on("error", () => {});
        const { messageCount, consumerCount } = await channel.checkQueue(options.queue);
        return checkBounds(
          subject,
          { messages: messageCount, consumers: consumerCount },
          {
            messages: options.messages ?? {},
            consumers: options.consumers ?? {},
          },
        );
      } catch (error) {
        return { kind: "error", message: `${subject}: ${(error as Error).message}`, evidence: {} };
      } finally {
        await connection?.close().catch(() => {});
      }
    },
  };
}
