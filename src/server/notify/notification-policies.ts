import type { NotificationPolicy } from "../../core/notify/notification-routing.js";
import type { Store } from "../../store/store.js";

/** The notification sections of the stored Policy documents, read afresh so an apply takes effect at once. */
export async function loadNotificationPolicies(store: Store): Promise<NotificationPolicy[]> {
  const stored = await store.documents.list("Policy");
  const policies: NotificationPolicy[] = [];
  for (const { doc } of stored)
    if (doc.kind === "Policy" && doc.spec.notifications !== undefined)
      policies.push({ policy: doc.metadata.name, spec: doc.spec.notifications });
  return policies;
}
