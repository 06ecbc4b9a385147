import type { CalendarIndex } from "./calendar-index.js";
import type { CalendarWorld, ServiceFacts } from "./calendar-world.js";
import type { ResourceNeed } from "./change-slot.js";
import { checkSlot } from "./check-slot.js";
import type { Conflict } from "./conflict.js";

/** A service in a change's scope, as the change request records it. */
export interface ChangeScopeService {
  readonly name: string;
  readonly tier?: number | undefined;
  readonly labels?: Readonly<Record<string, string>>;
}

/** What the change gate asks of the calendar about one change. */
export interface ChangeWindowQuestion {
  /** The change (e.g. `CHG-42`) or release track; its own slot and bookings never block it. */
  readonly id: string;
  readonly environment: string;
  /** The services it changes; their dependents are added from the world's Service documents. */
  readonly scope: readonly ChangeScopeService[];
  /** The release's labels, matched by label-scoped windows as if every changed service carried them. */
  readonly labels?: Readonly<Record<string, string>>;
  readonly window: { readonly start: number; readonly end: number };
  readonly emergency: boolean;
  /** True once the extra approval the Policy asks for in audit windows is given: audit windows stop blocking. */
  readonly auditApproved?: boolean;
  readonly needs?: readonly ResourceNeed[];
  readonly teams?: readonly string[];
}

/** A conflict that stops the change, with whose it is and whether an emergency could override it. */
export type BlockingConflict = Conflict;

/** The calendar's answer to the gate. */
export type ChangeWindowVerdict =
  | {
      readonly allowed: true;
      /** Conflicts the change goes ahead despite (an emergency's overridable ones, approved audit windows). */
      readonly overridden: readonly Conflict[];
    }
  | {
      readonly allowed: false;
      readonly blocking: readonly BlockingConflict[];
      readonly overridden: readonly Conflict[];
    };

/**
 * May this change run in its window? Every calendar conflict blocks a normal change; an
 * emergency is blocked only by conflicts whose `emergencyOverride` is false; an audit window no
 * longer blocks once `auditApproved`. Each blocking conflict names its window, change or
 * resource, its owner and the overlap. The change gate's single entry point to the calendar.
 */
export function checkChangeWindow(
  world: CalendarWorld,
  change: ChangeWindowQuestion,
  index?: CalendarIndex,
): ChangeWindowVerdict {
  const { conflicts } = checkSlot(
    withScopeFacts(world, change),
    {
      id: change.id,
      environment: change.environment,
      services: change.scope.map((s) => s.name),
      start: change.window.start,
      end: change.window.end,
      ...(change.needs === undefined ? {} : { needs: change.needs }),
      ...(change.teams === undefined ? {} : { teams: change.teams }),
    },
    index,
  );
  const blocking: Conflict[] = [];
  const overridden: Conflict[] = [];
  for (const c of conflicts) {
    const passes =
      (c.kind === "audit" && change.auditApproved === true) || (change.emergency && c.emergencyOverride);
    (passes ? overridden : blocking).push(c);
  }
  return blocking.length === 0 ? { allowed: true, overridden } : { allowed: false, blocking, overridden };
}

// The change request's record of tier and labels wins where the world has no Service document
// for a service, and the release's labels join each changed service's own.
function withScopeFacts(world: CalendarWorld, change: ChangeWindowQuestion): CalendarWorld {
  if (
    change.scope.every((s) => s.tier === undefined && s.labels === undefined) &&
    change.labels === undefined
  )
    return world;
  const services: Record<string, ServiceFacts> = { ...world.services };
  for (const s of change.scope) {
    const known = world.services[s.name];
    const tier = known?.tier ?? s.tier;
    services[s.name] = {
      ...known,
      ...(tier === undefined ? {} : { tier }),
      labels: { ...change.labels, ...s.labels, ...known?.labels },
    };
  }
  return { ...world, services };
}
