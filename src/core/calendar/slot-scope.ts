import type { CalendarWorld } from "./calendar-world.js";
import type { ChangeSlot } from "./change-slot.js";
import type { CompiledWindow } from "./compiled-window.js";
import { type RelatedServices, relatedServices } from "./related-services.js";
import { type ScopeSubject, scopeApplies } from "./window-scope.js";

/** What a change in an environment reaches: its services, their relatives, and the windows that apply. */
export interface SlotScope {
  readonly related: RelatedServices;
  /** The environment, its region, the teams and the changed services with their dependents. */
  readonly subject: ScopeSubject;
  readonly appliesTo: (window: CompiledWindow) => boolean;
}

/** The scope of a change in `slot.environment` on `slot.services` (freeze scope: changed + dependents). */
export function slotScope(
  world: CalendarWorld,
  slot: Pick<ChangeSlot, "environment" | "services" | "teams">,
): SlotScope {
  const related = relatedServices(world.services, slot.services);
  const affected = [...related.changed, ...related.dependents].sort();
  const subject: ScopeSubject = {
    environment: slot.environment,
    region: world.environments[slot.environment]?.region,
    services: affected.map((name) => ({
      name,
      tier: world.services[name]?.tier,
      labels: world.services[name]?.labels,
    })),
    teams: slot.teams ?? [],
  };
  const calendars = environmentCalendars(world, slot.environment);
  return {
    related,
    subject,
    appliesTo: (w) => calendars.has(w.calendar) && scopeApplies(w.spec.scope, subject),
  };
}

/**
 * Calendars an environment follows: those it lists, or else every calendar that is not only a
 * Resource's own availability calendar (a DBA team's holidays do not freeze production).
 */
export function environmentCalendars(world: CalendarWorld, environment: string): ReadonlySet<string> {
  let byEnvironment = followed.get(world);
  if (byEnvironment === undefined) {
    byEnvironment = new Map();
    followed.set(world, byEnvironment);
  }
  let set = byEnvironment.get(environment);
  if (set === undefined) {
    const listed = world.environments[environment]?.calendars;
    const resourceCalendars = new Set(
      world.resources.flatMap((r) => (r.spec.calendar ? [r.spec.calendar] : [])),
    );
    set = new Set(listed ?? world.calendars.map((c) => c.name).filter((n) => !resourceCalendars.has(n)));
    byEnvironment.set(environment, set);
  }
  return set;
}

// Per world value: the assistant and the checker ask again for every slot.
const followed = new WeakMap<CalendarWorld, Map<string, ReadonlySet<string>>>();
