import type { ScopedService } from "./approval/approval-subject.js";
import type { FleetService } from "./risk/risk-facts.js";

/** The services a change deploys and those that depend on them, directly or not. */
export interface ChangeScope {
  readonly services: readonly ScopedService[];
  /** Transitive dependents of the changed services, by name, not themselves changed. */
  readonly dependents: readonly string[];
}

/**
 * The scope of a change: the services its plan deploys (with tier and labels, which approval rules
 * match on) and every service that depends on one of them, following `dependsOn` backwards.
 */
export function changeScopeOf(
  deployed: readonly string[],
  fleet: readonly (FleetService & { readonly labels: Readonly<Record<string, string>> })[],
): ChangeScope {
  const byName = new Map(fleet.map((s) => [s.name, s]));
  const changed = new Set(deployed);
  const dependents = new Set<string>();
  let frontier = [...changed];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const s of fleet) {
      if (changed.has(s.name) || dependents.has(s.name)) continue;
      if (s.dependsOn.some((d) => frontier.includes(d))) {
        dependents.add(s.name);
        next.push(s.name);
      }
    }
    frontier = next;
  }
  const services = [...changed].sort().map((name) => {
    const s = byName.get(name);
    return { name, tier: s?.tier, labels: s?.labels ?? {} };
  });
  return { services, dependents: [...dependents].sort() };
}
