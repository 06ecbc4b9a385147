import type { ChangeFacts, NotificationFactsPort } from "../../core/notify/notification-facts.js";
import type { Store } from "../../store/store.js";

/** Looks a change up by number (wired to the change store where it exists). */
export type ChangeLookup = (number: string) => Promise<ChangeFacts | undefined>;

/**
 * Facts for notifications from the store: runs from the run repository; changes through
 * `changes` when given (without it, change notifications use the facts the audit entry carries).
 */
export function storeNotificationFacts(store: Store, changes?: ChangeLookup): NotificationFactsPort {
  return {
    async change(number) {
      return changes === undefined ? undefined : changes(number);
    },
    async run(id) {
      const found = await store.runs.getRun(id);
      if (found === undefined) return undefined;
      return { id, release: found.run.release, environment: found.run.environment, change: undefined };
    },
  };
}
