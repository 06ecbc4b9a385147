/** Units of a Resource a slot needs, for all of it or for one phase of it (e.g. 4 h of qa-env). */
export interface ResourceNeed {
  readonly resource: string;
  readonly units: number;
  /** From the slot's start; 0 when left out. */
  readonly offsetMs?: number;
  /** Until the slot's end when left out. */
  readonly durationMs?: number;
}

/** A proposed time for a change: where, what, when, and what it books. */
export interface ChangeSlot {
  /** The change or release track the slot is for; its own change and bookings never compete with it. */
  readonly id?: string;
  readonly environment: string;
  readonly services: readonly string[];
  readonly start: number;
  readonly end: number;
  readonly needs?: readonly ResourceNeed[];
  /** Teams carrying the change out, matched against windows scoped by team (blackouts). */
  readonly teams?: readonly string[];
}

/** The instants a need occupies within a slot that starts at `start` and lasts `lengthMs`. */
export function needRange(
  need: ResourceNeed,
  start: number,
  lengthMs: number,
): { start: number; end: number } {
  const from = start + (need.offsetMs ?? 0);
  const end =
    need.durationMs === undefined ? start + lengthMs : Math.min(start + lengthMs, from + need.durationMs);
  return { start: from, end };
}
