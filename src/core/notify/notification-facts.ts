import type { ScopedService } from "../change/approval/approval-subject.js";
import type { ChangeRequest, ChangeWindow } from "../change/change-request.js";
import type { ChangeType } from "../change/change-state.js";

/** What a notification says about a change: read from the change when the audit entry is dispatched. */
export interface ChangeFacts {
  readonly number: string;
  readonly type: ChangeType;
  readonly environment: string;
  readonly release: string;
  readonly window: ChangeWindow | undefined;
  readonly services: readonly ScopedService[];
  /** Declared SLA impact; derived from the services' tiers and the window when absent. */
  readonly slaImpact?: string;
  /** Declared customer-facing impact; derived from the services' labels when absent. */
  readonly customerImpact?: string;
}

/** What a notification says about a run. */
export interface RunFacts {
  readonly id: string;
  readonly release: string;
  readonly environment: string;
  /** The change the run implements, when it has one. */
  readonly change: string | undefined;
}

/** Where the dispatcher reads facts the audit entry does not carry (a port; the store implements it). */
export interface NotificationFactsPort {
  change(number: string): Promise<ChangeFacts | undefined>;
  run(id: string): Promise<RunFacts | undefined>;
}

/** The facts of a change request, for notifications about it. */
export function changeFactsOf(change: ChangeRequest): ChangeFacts {
  return {
    number: change.number,
    type: change.type,
    environment: change.environment,
    release: change.release,
    window: change.window,
    services: change.scope,
  };
}

/** Labels that mark a service as customer-facing. */
const CUSTOMER_FACING_LABELS = ["customer-facing", "upshift.dev/customer-facing"];

/**
 * The SLA and customer-facing impact of a change's window, as a notice states them: declared
 * values win; otherwise tier 0–1 services count against their SLA for the window's length, and
 * services labelled `customer-facing: "true"` are named as visible to customers.
 */
export function downtimeImpact(facts: ChangeFacts): { readonly sla: string; readonly customer: string } {
  const minutes =
    facts.window === undefined ? undefined : Math.round((facts.window.end - facts.window.start) / 60_000);
  const critical = facts.services.filter((s) => s.tier !== undefined && s.tier <= 1).map((s) => s.name);
  const sla =
    facts.slaImpact ??
    (critical.length === 0
      ? "none: no tier 0 or tier 1 service is in scope"
      : `up to ${minutes ?? "?"} minutes against the SLA of ${critical.join(", ")}`);
  const facing = facts.services
    .filter((s) => CUSTOMER_FACING_LABELS.some((l) => s.labels[l] === "true"))
    .map((s) => s.name);
  const customer =
    facts.customerImpact ??
    (facing.length === 0
      ? "none expected: no customer-facing service is in scope"
      : `customers may notice degraded service from ${facing.join(", ")}`);
  return { sla, customer };
}
