import { InputError } from "../errors/domain-error.js";
import type { CalendarWorld } from "./calendar-world.js";
import { findResource } from "./resource-obstacles.js";
import { type Team, teamFromResource } from "./working-hours.js";

/**
 * Teams are Resources of type `team` with a zone, working hours and optionally a region
 * (DESIGN.md lists Resources as "the DBA team"; no seventh document kind). The named teams as
 * Teams; a NotFoundError for an unknown name, an InputError for a Resource without hours.
 */
export function namedTeams(world: CalendarWorld, names: readonly string[]): readonly Team[] {
  return names.map((name) => {
    const team = teamFromResource(name, findResource(world, name).spec);
    if (team === undefined)
      throw new InputError(
        "calendar.team",
        `Resource "${name}" is named as a team but has no spec.workingHours (days, start, end) to schedule by`,
      );
    return team;
  });
}

/** Of `teams`, those that work on `environment`: same region as the environment, or no region. */
export function teamsForEnvironment(
  world: CalendarWorld,
  teams: readonly Team[],
  environment: string,
): readonly Team[] {
  const region = world.environments[environment]?.region;
  return teams.filter((t) => t.region === undefined || region === undefined || t.region === region);
}
