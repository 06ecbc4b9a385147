import type { CalendarSpec } from "../documents/kinds/calendar.js";
import type { ResourceSpec } from "../documents/kinds/resource.js";

/** A Calendar document by name. */
export interface NamedCalendar {
  readonly name: string;
  readonly spec: CalendarSpec;
}

/** A Resource document by name. */
export interface NamedResource {
  readonly name: string;
  readonly spec: ResourceSpec;
}

/** What the calendar needs to know of a Service document. */
export interface ServiceFacts {
  readonly tier?: number;
  readonly labels?: Readonly<Record<string, string>>;
  readonly dependsOn?: readonly string[];
  readonly owner?: string;
}

/** What the calendar needs to know of an Environment document. */
export interface EnvironmentFacts {
  readonly region?: string;
  readonly timeZone?: string;
  /** When given, only these calendars apply to the environment; otherwise all of them do. */
  readonly calendars?: readonly string[];
}

/** A change request that holds a slot: only `scheduled` and `implementing` ones block others. */
export interface ScheduledChange {
  readonly id: string;
  readonly state: "scheduled" | "implementing";
  readonly environment: string;
  readonly services: readonly string[];
  readonly start: number;
  readonly end: number;
  readonly owner?: string;
}

/** Units of a shared Resource held by a release track (a change or a release phase) over a range. */
export interface Booking {
  readonly id: string;
  readonly resource: string;
  /** The change or release track that holds it; a slot never competes with its own holder. */
  readonly holder: string;
  readonly start: number;
  readonly end: number;
  readonly units: number;
  readonly owner?: string;
  /** The environment whose slot the booking belongs to, when known (a Release's phase). */
  readonly environment?: string;
}

/** Everything conflicts are checked against; plain values, built by the caller from documents and the store. */
export interface CalendarWorld {
  readonly calendars: readonly NamedCalendar[];
  readonly environments: Readonly<Record<string, EnvironmentFacts>>;
  readonly services: Readonly<Record<string, ServiceFacts>>;
  readonly resources: readonly NamedResource[];
  readonly changes: readonly ScheduledChange[];
  readonly bookings: readonly Booking[];
}
