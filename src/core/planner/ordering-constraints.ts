import type { PairRelation, RequirementFailure, VersionSide } from "./pair-relation.js";
import { pairRelation } from "./pair-relation.js";
import type { ApiNeed, FleetService, PlanningFleet, ServiceVersion } from "./planning-fleet.js";
import type { RangeMatcher } from "./range-matcher.js";

/** Why one moving service must roll out in an earlier wave than another. */
export type EdgeCause =
  | { readonly kind: "depends-on" }
  | { readonly kind: "requirement"; readonly failure: RequirementFailure };

/** `before` and `after` are indices into `PlanningFleet.services`. */
export interface OrderingEdge {
  readonly before: number;
  readonly after: number;
  readonly cause: EdgeCause;
}

/**
 * A requirement that no service serves: before the release (`when` now) or once it is done.
 * `side` says which version of the consumer has the requirement.
 */
export interface MissingProvider {
  readonly kind: "missing-provider";
  readonly when: "now" | "after";
  readonly consumer: string;
  readonly side: VersionSide;
  readonly api: string;
  readonly range: string;
  /** A service that serves the API now but not after the release, if any. */
  readonly formerProvider: string | undefined;
}

/** A consumer and a provider that no relative order makes safe. */
export interface IncompatiblePair {
  readonly kind: "incompatible";
  readonly reasons: readonly RequirementFailure[];
}

export interface OrderingConstraints {
  readonly edges: readonly OrderingEdge[];
  readonly missing: readonly MissingProvider[];
  readonly incompatible: readonly IncompatiblePair[];
}

function providerIndex(services: readonly FleetService[]): Map<string, number[]> {
  const byApi = new Map<string, number[]>();
  const add = (api: string, i: number) => {
    const list = byApi.get(api);
    if (list === undefined) byApi.set(api, [i]);
    else if (list[list.length - 1] !== i) list.push(i);
  };
  services.forEach((s, i) => {
    for (const api of s.current.provides.keys()) add(api, i);
    for (const api of s.target?.provides.keys() ?? []) add(api, i);
  });
  return byApi;
}

function countServing(services: readonly FleetService[], pick: (s: FleetService) => ServiceVersion) {
  const count = new Map<string, number>();
  for (const s of services)
    for (const api of pick(s).provides.keys()) count.set(api, (count.get(api) ?? 0) + 1);
  return count;
}

/**
 * Requirements that no service serves. With pairwise safety enforced these are the only global
 * failures left: a consumer version can only run next to providers that all serve the API
 * compatibly, so "nobody serves it" can only happen before the release or after it.
 */
function findMissing(services: readonly FleetService[]): MissingProvider[] {
  const now = countServing(services, (s) => s.current);
  const after = countServing(services, (s) => s.target ?? s.current);
  const firstServing = new Map<string, string>();
  for (const s of services)
    for (const api of s.current.provides.keys()) if (!firstServing.has(api)) firstServing.set(api, s.name);
  const missing: MissingProvider[] = [];
  const seen = new Set<string>();
  const report = (s: FleetService, when: "now" | "after", side: VersionSide, need: ApiNeed) => {
    const key = `${s.name}\u0000${need.api}\u0000${need.range}`;
    if (seen.has(key)) return;
    seen.add(key);
    const former = when === "after" ? firstServing.get(need.api) : undefined;
    missing.push({ kind: "missing-provider", when, consumer: s.name, side, ...need, formerProvider: former });
  };
  for (const s of services) {
    for (const need of s.current.requires) if (!now.has(need.api)) report(s, "now", "current", need);
    const end = s.target === undefined ? "current" : "target";
    for (const need of (s.target ?? s.current).requires)
      if (!after.has(need.api)) report(s, "after", end, need);
  }
  return missing;
}

function relationEdge(relation: PairRelation, consumer: number, provider: number): OrderingEdge | undefined {
  switch (relation.kind) {
    case "any":
    case "never":
      return undefined;
    case "consumer-first":
      return { before: consumer, after: provider, cause: { kind: "requirement", failure: relation.reason } };
    case "provider-first":
      return { before: provider, after: consumer, cause: { kind: "requirement", failure: relation.reason } };
    default: {
      const unreachable: never = relation;
      return unreachable;
    }
  }
}

/**
 * Turns the fleet into precedence edges between moving services plus the failures no order can
 * fix. Providers are indexed by API, so the work is linear in the number of (requirement,
 * provider) pairs rather than quadratic in services.
 */
export function buildOrderingConstraints(fleet: PlanningFleet, matches: RangeMatcher): OrderingConstraints {
  const services = fleet.services;
  const providers = providerIndex(services);
  const missing = findMissing(services);
  const skipped = new Map<string, Set<string>>();
  for (const m of missing) {
    const set = skipped.get(m.consumer) ?? new Set<string>();
    set.add(`${m.api}\u0000${m.range}`);
    skipped.set(m.consumer, set);
  }
  const edges: OrderingEdge[] = [];
  const incompatible: IncompatiblePair[] = [];
  services.forEach((consumer, c) => {
    const skip = skipped.get(consumer.name);
    const needs = (v: ServiceVersion) =>
      skip === undefined ? v.requires : v.requires.filter((n) => !skip.has(`${n.api}\u0000${n.range}`));
    const reached = new Set<number>();
    for (const need of [...needs(consumer.current), ...(consumer.target ? needs(consumer.target) : [])]) {
      for (const p of providers.get(need.api) ?? []) reached.add(p);
    }
    for (const p of [...reached].sort((a, b) => a - b)) {
      const provider = services[p];
      if (provider === undefined) continue;
      const relation = pairRelation(consumer, provider, needs, matches);
      if (relation.kind === "never") incompatible.push({ kind: "incompatible", reasons: relation.reasons });
      const edge = relationEdge(relation, c, p);
      if (edge !== undefined) edges.push(edge);
    }
    if (consumer.target === undefined) return;
    for (const dependency of consumer.dependsOn) {
      const d = fleet.indexOf.get(dependency);
      if (d !== undefined && services[d]?.target !== undefined) {
        edges.push({ before: d, after: c, cause: { kind: "depends-on" } });
      }
    }
  });
  return { edges, missing, incompatible };
}
