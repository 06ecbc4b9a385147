import { type ChangeFacts, changeFactsOf } from "../../core/notify/notification-facts.js";
import type { Store } from "../../store/store.js";

/** Notifications read a change's facts (window, services, type) from the change store. */
export function changeFactsLookup(store: Store): (number: string) => Promise<ChangeFacts | undefined> {
  return async (number) => {
    const stored = await store.changes.get(number);
    return stored === undefined ? undefined : changeFactsOf(stored.change);
  };
}
