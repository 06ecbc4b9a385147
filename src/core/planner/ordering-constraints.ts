import type { PairRelation, RequirementFailure, SidedNeed, VersionSide } from "./pair-relation.js";
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

/** Providers by API id in compressed rows: the services serving API k are list[start[k] .. start[k + 1]). */
interface ProviderIndex {
  readonly start: Int32Array;
  readonly list: Int32Array;
}

function providerIndex(fleet: PlanningFleet): ProviderIndex {
  const apiCount = fleet.apiNames.length;
  const start = new Int32Array(apiCount + 1);
  const each = (visit: (api: number, service: number) => void) =>
    fleet.services.forEach((s, i) => {
      for (const api of s.current.apiIds) visit(api, i);
      if (s.target !== undefined)
        for (const api of s.target.apiIds) if (!s.current.apiIds.includes(api)) visit(api, i);
    });
  each((api) => {
    start[api + 1] = (start[api + 1] ?? 0) + 1;
  });
  for (let k = 0; k < apiCount; k++) start[k + 1] = (start[k + 1] ?? 0) + (start[k] ?? 0);
  const fill = start.slice(0, apiCount);
  const list = new Int32Array(start[apiCount] ?? 0);
  each((api, service) => {
    list[fill[api] ?? 0] = service;
    fill[api] = (fill[api] ?? 0) + 1;
  });
  return { start, list };
}

/**
 * Requirements that no service serves. With pairwise safety enforced these are the only global
 * failures left: a consumer version can only run next to providers that all serve the API
 * compatibly, so "nobody serves it" can only happen before the release or after it.
 */
function findMissing(fleet: PlanningFleet): MissingProvider[] {
  const services = fleet.services;
  const now = new Uint8Array(fleet.apiNames.length);
  const after = new Uint8Array(fleet.apiNames.length);
  const firstServing = new Int32Array(fleet.apiNames.length).fill(-1);
  services.forEach((s, i) => {
    for (const api of s.current.apiIds) {
      now[api] = 1;
      if (firstServing[api] === -1) firstServing[api] = i;
    }
    for (const api of (s.target ?? s.current).apiIds) after[api] = 1;
  });
  const missing: MissingProvider[] = [];
  const seen = new Set<string>();
  const report = (s: FleetService, when: "now" | "after", side: VersionSide, need: ApiNeed, api: number) => {
    const key = `${s.name}\u0000${need.api}\u0000${need.range}`;
    if (seen.has(key)) return;
    seen.add(key);
    const former = when === "after" ? services[firstServing[api] ?? -1] : undefined;
    missing.push({
      kind: "missing-provider",
      when,
      consumer: s.name,
      side,
      ...need,
      formerProvider: former?.name,
    });
  };
  for (const s of services) {
    s.current.requireIds.forEach((api, k) => {
      const need = s.current.requires[k];
      if (need !== undefined && now[api] !== 1) report(s, "now", "current", need, api);
    });
    const end = s.target ?? s.current;
    end.requireIds.forEach((api, k) => {
      const need = end.requires[k];
      if (need !== undefined && after[api] !== 1)
        report(s, "after", s.target ? "target" : "current", need, api);
    });
  }
  return missing;
}

/** Groups a consumer version's requirements by the providers that serve their API. */
function collectNeeds(
  add: (provider: number, sided: SidedNeed) => void,
  providers: ProviderIndex,
  side: VersionSide,
  version: ServiceVersion,
  skip: ReadonlySet<string> | undefined,
): void {
  const ids = version.requireIds;
  for (let k = 0; k < ids.length; k++) {
    const need = version.requires[k];
    const apiId = ids[k] ?? 0;
    if (need === undefined || skip?.has(`${need.api}\u0000${need.range}`)) continue;
    const end = providers.start[apiId + 1] ?? 0;
    if ((providers.start[apiId] ?? 0) === end) continue;
    const sided = { side, need, apiId };
    for (let at = providers.start[apiId] ?? 0; at < end; at++) add(providers.list[at] ?? 0, sided);
  }
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
  const providers = providerIndex(fleet);
  const missing = findMissing(fleet);
  const skipped = new Map<string, Set<string>>();
  for (const m of missing) {
    const set = skipped.get(m.consumer) ?? new Set<string>();
    set.add(`${m.api}\u0000${m.range}`);
    skipped.set(m.consumer, set);
  }
  const edges: OrderingEdge[] = [];
  const incompatible: IncompatiblePair[] = [];
  // Scratch space reused for every consumer: which providers it reaches, and its needs on each.
  const groupOf = new Int32Array(services.length).fill(-1);
  const reached: number[] = [];
  const groups: SidedNeed[][] = [];
  const add = (p: number, sided: SidedNeed) => {
    const at = groupOf[p] ?? -1;
    if (at >= 0) {
      groups[at]?.push(sided);
      return;
    }
    groupOf[p] = reached.length;
    const group = groups[reached.length];
    if (group === undefined) groups.push([sided]);
    else {
      group.length = 0;
      group.push(sided);
    }
    reached.push(p);
  };
  services.forEach((consumer, c) => {
    const skip = skipped.get(consumer.name);
    collectNeeds(add, providers, "current", consumer.current, skip);
    if (consumer.target !== undefined) collectNeeds(add, providers, "target", consumer.target, skip);
    for (const p of reached) {
      const provider = services[p];
      if (provider === undefined) continue;
      const relation = pairRelation(consumer, provider, groups[groupOf[p] ?? 0] ?? [], matches);
      if (relation.kind === "never") incompatible.push({ kind: "incompatible", reasons: relation.reasons });
      const edge = relationEdge(relation, c, p);
      if (edge !== undefined) edges.push(edge);
    }
    for (const p of reached) groupOf[p] = -1;
    reached.length = 0;
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
