/** Fields every conflict carries: the overlap (ISO 8601 UTC), who owns the obstacle, and what an emergency may do. */
interface ConflictBase {
  readonly start: string;
  readonly end: string;
  readonly owner?: string;
  /** True when an emergency change may go ahead despite this conflict. */
  readonly emergencyOverride: boolean;
  readonly message: string;
}

/** The slot falls in a freeze, audit or blackout window of an affected scope. */
export interface WindowConflict extends ConflictBase {
  readonly kind: "freeze" | "audit" | "blackout";
  readonly window: string;
  readonly calendar: string;
  readonly reason?: string;
  /** The window's occurrence, as written in its own zone. */
  readonly localStart: string;
  readonly timeZone: string;
}

/** Part of the slot lies outside every maintenance window that applies to it. */
export interface MaintenanceConflict extends ConflictBase {
  readonly kind: "outside-maintenance";
  /** The maintenance windows that apply, comma-separated. */
  readonly window: string;
}

/** Another scheduled or implementing change touches the same or a related service at the same time. */
export interface ChangeConflict extends ConflictBase {
  readonly kind: "change";
  readonly change: string;
  readonly services: readonly string[];
}

/** A shared Resource would be booked over its capacity; the competing bookings are named. */
export interface ResourceConflict extends ConflictBase {
  readonly kind: "resource";
  readonly resource: string;
  readonly capacity: number;
  readonly demand: number;
  readonly bookings: readonly string[];
  readonly holders: readonly string[];
}

/** A Resource is needed while its own calendar or working hours say it is not available. */
export interface ResourceUnavailableConflict extends ConflictBase {
  readonly kind: "resource-unavailable";
  readonly resource: string;
  /** The resource calendar's window, or "working-hours". */
  readonly window: string;
}

export type Conflict =
  | WindowConflict
  | MaintenanceConflict
  | ChangeConflict
  | ResourceConflict
  | ResourceUnavailableConflict;

/** What `upshift calendar check --output json` prints. */
export interface ConflictReport {
  readonly conflicts: readonly Conflict[];
}
