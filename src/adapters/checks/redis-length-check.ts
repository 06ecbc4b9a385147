/**
 * Backlog in Redis: the length of a list (LLEN, a work queue) or a stream (XLEN), and for a
 * stream with a consumer group, the group's pending entries (XINFO GROUPS). A missing key has
 * length 0, as Redis itself answers.
 */
import { createClient } from "redis";
import { type Bound, checkBounds } from "../../core/analysis/check-bounds.js";
import type { Check, CheckOutcome } from "../../core/analysis/check-outcome.js";

export interface RedisLengthCheckOptions {
  /** redis://host:6379/db */
  readonly url: string;
  readonly key: string;
  readonly length?: Bound | undefined;
  /** For a stream: the consumer group whose pending entries are bounded. */
  readonly group?: string | undefined;
  readonly pending?: Bound | undefined;
  readonly timeoutMs?: number | undefined;
}

/** A check of a Redis list's or stream's length (and a stream group's pending count) against bounds. */
export function redisLengthCheck(options: RedisLengthCheckOptions): Check {
  const subject = `Redis key "${options.key}"`;
  return {
    kind: "redis-length",
    name: options.key,
    async run(): Promise<CheckOutcome> {
      const client = createClient({
        url: options.url,
        socket: { connectTimeout: options.timeoutMs ?? 10_000, reconnectStrategy: false },
      });
      client.on("error", () => {});
      try {
        await client.connect();
        const type = await client.type(options.key);
        const observed: Record<string, number> = {};
        if (type === "list") observed.length = await client.lLen(options.key);
        else if (type === "stream") {
          observed.length = await client.xLen(options.key);
          if (options.group !== undefined) {
            const groups = await client.xInfoGroups(options.key);
            const group = groups.find((g) => String(g.name) === options.group);
            if (group === undefined)
              return {
                kind: "error",
                message: `${subject}: the stream has no consumer group "${options.group}"`,
                evidence: { type },
              };
            observed.pending = Number(group.pending);
          }
        } else if (type === "none") observed.length = 0;
        else
          return {
            kind: "error",
            message: `${subject} is a ${type}, expected a list or a stream`,
            evidence: { type },
          };
        return checkBounds(
          subject,
          observed,
          { length: options.length ?? {}, pending: options.pending ?? {} },
          { type },
        );
      } catch (error) {
        return { kind: "error", message: `${subject}: ${(error as Error).message}`, evidence: {} };
      } finally {
        if (client.isOpen) await client.close().catch(() => {});
      }
    },
  };
}
