import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { BackoffPolicy } from "../../core/notify/delivery-backoff.js";
import type { SecretReader } from "../../core/rollout/resolve-secrets.js";
import type { Store } from "../../store/store.js";
import { NotificationDelivery } from "./notification-delivery.js";
import { NotificationDispatcher } from "./notification-dispatcher.js";
import { type ChangeLookup, storeNotificationFacts } from "./store-notification-facts.js";

export interface NotificationRuntimeOptions {
  /** How often to look for new audit entries and due messages when idle (default 1 s). */
  readonly pollMs?: number;
  readonly backoff?: BackoffPolicy;
  readonly changes?: ChangeLookup;
  readonly readSecret?: SecretReader;
  /** CloudEvents `source` (default `/upshift`). */
  readonly source?: string;
  readonly now?: () => number;
  readonly log?: {
    info(message: string, fields?: Record<string, unknown>): void;
    warn(message: string, fields?: Record<string, unknown>): void;
  };
}

export interface NotificationRuntime {
  readonly dispatcher: NotificationDispatcher;
  readonly delivery: NotificationDelivery;
  /** Runs a pass now instead of at the next poll. */
  poke(): void;
  /** Finishes the pass in progress, then stops; closes SMTP connections. */
  stop(): Promise<void>;
}

/** Runs the dispatcher and the delivery loop in this process until stopped. */
export async function startNotifications(
  store: Store,
  options: NotificationRuntimeOptions = {},
): Promise<NotificationRuntime> {
  const now = options.now ?? Date.now;
  const dispatcher = new NotificationDispatcher(store, storeNotificationFacts(store, options.changes), {
    ...(options.source ? { source: options.source } : {}),
  });
  const delivery = new NotificationDelivery(store, {
    owner: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.readSecret ? { readSecret: options.readSecret } : {}),
    ...(options.log ? { log: (m, f) => options.log?.warn(m, f) } : {}),
  });
  await dispatcher.begin();
  const pollMs = options.pollMs ?? 1_000;
  let stopped = false;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  const loop = (async () => {
    while (!stopped) {
      let busy = false;
      try {
        busy = (await dispatcher.dispatchOnce(now())) > 0;
        busy = (await delivery.deliverOnce(now)) > 0 || busy;
      } catch (error) {
        options.log?.warn("notification pass failed; retrying", {
          reason: error instanceof Error ? error.message : String(error),
        });
      }
      if (!stopped && !busy) {
        const due = await store.notifications.nextDueAt().catch(() => null);
        const untilDue = due === null ? pollMs : Math.max(0, due - now());
        await sleep(Math.min(pollMs, untilDue));
      }
    }
  })();
  return {
    dispatcher,
    delivery,
    poke: () => wake?.(),
    async stop() {
      stopped = true;
      wake?.();
      await loop;
      await delivery.close();
    },
  };
}
