import type { RiskFactor } from "./risk-assessment.js";
import type { FleetService } from "./risk-facts.js";
import type { RiskWeights } from "./risk-model.js";

/** A service that depends, directly or through others, on a changed service. */
export interface Dependent {
  readonly name: string;
  readonly tier: number | undefined;
  /** 1 for a direct dependent, 2 for a dependent's dependent, … */
  readonly distance: number;
}

/**
 * Every service that depends on a changed one, directly or transitively, found by breadth-first
 * search over reversed `dependsOn` edges; the changed services themselves are not their own
 * dependents. Ordered by distance, then tier, then name.
 */
export function transitiveDependents(
  fleet: readonly FleetService[],
  changed: readonly string[],
): Dependent[] {
  const dependentsOf = new Map<string, string[]>();
  for (const s of fleet) {
    for (const d of s.dependsOn) dependentsOf.set(d, [...(dependentsOf.get(d) ?? []), s.name]);
  }
  const tierOf = new Map(fleet.map((s) => [s.name, s.tier]));
  const distance = new Map<string, number>(changed.map((c) => [c, 0]));
  let frontier = [...changed];
  for (let d = 1; frontier.length > 0; d++) {
    const next: string[] = [];
    for (const name of frontier) {
      for (const dep of dependentsOf.get(name) ?? []) {
        if (distance.has(dep)) continue;
        distance.set(dep, d);
        next.push(dep);
      }
    }
    frontier = next;
  }
  return [...distance]
    .filter(([, d]) => d > 0)
    .map(([name, d]) => ({ name, tier: tierOf.get(name), distance: d }))
    .sort((a, b) => a.distance - b.distance || (a.tier ?? 9) - (b.tier ?? 9) || a.name.localeCompare(b.name));
}

/** Blast radius: points per transitive dependent, weighted by how critical (tier) it is. */
export function blastRadiusFactor(
  fleet: readonly FleetService[],
  changed: readonly string[],
  w: RiskWeights,
): RiskFactor {
  const dependents = transitiveDependents(fleet, changed);
  if (dependents.length === 0)
    return { name: "blast radius", points: 0, fact: "no service depends on the changed services" };
  const weightOf = (tier: number | undefined) =>
    tier === 0
      ? w.dependentTier0
      : tier === 1
        ? w.dependentTier1
        : tier === 2
          ? w.dependentTier2
          : tier === 3
            ? w.dependentTier3
            : w.dependentUntiered;
  const points = dependents.reduce((sum, d) => sum + weightOf(d.tier), 0);
  const shown = dependents
    .slice(0, 5)
    .map((d) => `${d.name} (${d.tier === undefined ? "no tier" : `tier ${d.tier}`})`);
  const more = dependents.length > 5 ? ` and ${dependents.length - 5} more` : "";
  const count =
    dependents.length === 1 ? "1 transitive dependent" : `${dependents.length} transitive dependents`;
  return { name: "blast radius", points, fact: `${count}: ${shown.join(", ")}${more}` };
}
