import type { CalendarWindowSpec } from "../documents/kinds/calendar.js";

type WindowScope = NonNullable<CalendarWindowSpec["scope"]>;

/** A service as scopes see it: its name, tier and labels. */
export interface ServiceSubject {
  readonly name: string;
  readonly tier?: number;
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * What a window is asked about. A dimension left out matches every window (so "which windows
 * touch prod?" lists service-scoped windows too); a dimension given must meet the window's list.
 */
export interface ScopeSubject {
  readonly environment?: string;
  readonly region?: string;
  readonly services?: readonly ServiceSubject[];
  readonly teams?: readonly string[];
}

/**
 * True when a window with `scope` applies to `subject`: every dimension the scope restricts
 * (environments, regions, teams, and services/tiers/labels met by one same service) is met.
 */
export function scopeApplies(scope: WindowScope | undefined, subject: ScopeSubject): boolean {
  if (scope === undefined) return true;
  if (!listAdmits(scope.environments, subject.environment)) return false;
  if (!listAdmits(scope.regions, subject.region)) return false;
  if (scope.teams !== undefined && subject.teams !== undefined) {
    if (!subject.teams.some((t) => scope.teams?.includes(t))) return false;
  }
  if (subject.services === undefined || !restrictsServices(scope)) return true;
  return subject.services.some((s) => serviceInScope(scope, s));
}

/** The subject's services the scope reaches (all of them when it does not restrict services). */
export function servicesInScope(
  scope: WindowScope | undefined,
  services: readonly ServiceSubject[],
): readonly ServiceSubject[] {
  if (scope === undefined || !restrictsServices(scope)) return services;
  return services.filter((s) => serviceInScope(scope, s));
}

function restrictsServices(scope: WindowScope): boolean {
  return scope.services !== undefined || scope.tiers !== undefined || scope.labels !== undefined;
}

function serviceInScope(scope: WindowScope, service: ServiceSubject): boolean {
  if (scope.services !== undefined && !scope.services.includes(service.name)) return false;
  if (scope.tiers !== undefined && (service.tier === undefined || !scope.tiers.includes(service.tier))) {
    return false;
  }
  for (const [key, value] of Object.entries(scope.labels ?? {})) {
    if (service.labels?.[key] !== value) return false;
  }
  return true;
}

function listAdmits(list: readonly string[] | undefined, value: string | undefined): boolean {
  return list === undefined || value === undefined || list.includes(value);
}
