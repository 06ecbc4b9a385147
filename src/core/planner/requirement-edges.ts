import { type PlanInput, resolvePlanningFleet } from "./planning-fleet.js";

/** A consumer's requirement served by a provider, both moving in the environment's plan. */
export interface RequirementEdge {
  readonly consumer: string;
  readonly provider: string;
  readonly api: string;
  readonly range: string;
}

/**
 * The requirements between services a plan moves in `environment`, taken from each consumer's
 * target version: what the drawing of a plan shows as edges. Providers are indexed by API.
 */
export function requirementEdges(input: PlanInput, environment: string, moving: ReadonlySet<string>) {
  const fleet = resolvePlanningFleet(input, environment);
  const providers = new Map<string, string[]>();
  for (const s of fleet.services) {
    if (!moving.has(s.name)) continue;
    for (const api of new Set([...s.current.provides, ...(s.target?.provides ?? [])].map((p) => p.api))) {
      providers.set(api, [...(providers.get(api) ?? []), s.name]);
    }
  }
  const edges: RequirementEdge[] = [];
  for (const s of fleet.services) {
    if (!moving.has(s.name)) continue;
    for (const need of (s.target ?? s.current).requires) {
      for (const provider of providers.get(need.api) ?? []) {
        if (provider !== s.name) edges.push({ consumer: s.name, provider, ...need });
      }
    }
  }
  return edges;
}
