import type { NotificationEvent } from "./notification-event.js";
import { downtimeImpact } from "./notification-facts.js";
import type { NotificationEventKind } from "./notification-policy.js";
import { windowInZone } from "./window-in-zone.js";

/** What a template sees: every time already in the reader's zone, every fact already in words. */
export interface NotificationView {
  readonly kind: NotificationEventKind;
  readonly timeZone: string;
  /** When the audit entry was made, in the reader's zone. */
  readonly at: string;
  readonly actor: string;
  readonly change:
    | {
        readonly number: string;
        readonly type: string;
        readonly emergency: boolean;
        readonly environment: string;
        readonly release: string;
        readonly window: string;
        readonly services: readonly { readonly name: string; readonly tier: string }[];
        readonly slaImpact: string;
        readonly customerImpact: string;
      }
    | undefined;
  readonly run:
    | {
        readonly id: string;
        readonly release: string;
        readonly environment: string;
        readonly phase: string;
        readonly change: string | undefined;
      }
    | undefined;
  /** Approver groups awaited (approval requests). */
  readonly groups: readonly string[];
}

/** The template data for an event as read in `timeZone`. */
export function notificationView(event: NotificationEvent, timeZone: string): NotificationView {
  const at = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    dateStyle: "medium",
    timeStyle: "short",
    hourCycle: "h23",
  }).format(Date.parse(event.at));
  const base = { kind: event.kind, timeZone, at: `${at} ${timeZone}`, actor: event.actor };
  if ("change" in event) {
    const c = event.change;
    const impact = downtimeImpact(c);
    return {
      ...base,
      change: {
        number: c.number,
        type: c.type,
        emergency: c.type === "emergency",
        environment: c.environment,
        release: c.release,
        window: windowInZone(c.window, timeZone),
        services: c.services.map((s) => ({
          name: s.name,
          tier: s.tier === undefined ? "-" : String(s.tier),
        })),
        slaImpact: impact.sla,
        customerImpact: impact.customer,
      },
      run: undefined,
      groups: event.kind === "approval-requested" ? event.groups : [],
    };
  }
  const r = event.run;
  return {
    ...base,
    change: undefined,
    run: { id: r.id, release: r.release, environment: r.environment, phase: event.phase, change: r.change },
    groups: [],
  };
}
