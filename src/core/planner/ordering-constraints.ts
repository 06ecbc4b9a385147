import { type CompactFleet, CURRENT, type Side, sideOf, TARGET } from "./compact-fleet.js";
import type { NeedRef, PairContext, PairRelation, RequirementFailure, VersionSide } from "./pair-relation.js";
import { pairRelation } from "./pair-relation.js";
import type { PlanningFleet } from "./planning-fleet.js";
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

/** Calls `visit` once per (API, service) that serves it in its current or target version. */
function eachServing(fleet: CompactFleet, visit: (api: number, service: number) => void): void {
  const [now, next] = fleet.served;
  for (let s = 0; s + 1 < now.start.length; s++) {
    for (let e = now.start[s] ?? 0; e < (now.start[s + 1] ?? 0); e++) visit(now.api[e] ?? 0, s);
    for (let e = next.start[s] ?? 0; e < (next.start[s + 1] ?? 0); e++) {
      const api = next.api[e] ?? 0;
      let known = false;
      for (let o = now.start[s] ?? 0; o < (now.start[s + 1] ?? 0); o++) known ||= now.api[o] === api;
      if (!known) visit(api, s);
    }
  }
}

function providerIndex(fleet: CompactFleet): ProviderIndex {
  const apiCount = fleet.apiNames.length;
  const start = new Int32Array(apiCount + 1);
  eachServing(fleet, (api) => {
    start[api + 1] = (start[api + 1] ?? 0) + 1;
  });
  for (let k = 0; k < apiCount; k++) start[k + 1] = (start[k + 1] ?? 0) + (start[k] ?? 0);
  const fill = start.slice(0, apiCount);
  const list = new Int32Array(start[apiCount] ?? 0);
  eachServing(fleet, (api, service) => {
    list[fill[api] ?? 0] = service;
    fill[api] = (fill[api] ?? 0) + 1;
  });
  return { start, list };
}

/**
 * Requirements that no service serves. With pairwise safety enforced these are the only global
 * failures left: a consumer version can only run next to providers that all serve the API
 * compatibly, so "nobody serves it" can only happen before the release or after it. Marks them
 * in `skip` (per side, per requirement) so that pairs do not report them again.
 */
function findMissing(fleet: PlanningFleet, skip: readonly [Uint8Array, Uint8Array]): MissingProvider[] {
  const compact = fleet.compact;
  const apiCount = compact.apiNames.length;
  const now = new Uint8Array(apiCount);
  const after = new Uint8Array(apiCount);
  const firstServing = new Int32Array(apiCount).fill(-1);
  const [served, next] = compact.served;
  for (let s = 0; s < fleet.services.length; s++) {
    for (let e = served.start[s] ?? 0; e < (served.start[s + 1] ?? 0); e++) {
      const api = served.api[e] ?? 0;
      now[api] = 1;
      if (firstServing[api] === -1) firstServing[api] = s;
    }
    const end = compact.moving[s] === 1 ? next : served;
    for (let e = end.start[s] ?? 0; e < (end.start[s + 1] ?? 0); e++) after[end.api[e] ?? 0] = 1;
  }
  const missing: MissingProvider[] = [];
  const report = (s: number, when: "now" | "after", side: Side, k: number) => {
    const rows = compact.needs[side];
    const [api, range] = [rows.api[k] ?? 0, rows.range[k] ?? 0];
    const consumer = fleet.services[s]?.name ?? "";
    const seen = (other: Side) => {
      const o = compact.needs[other];
      let found = false;
      for (let j = o.start[s] ?? 0; j < (o.start[s + 1] ?? 0); j++) {
        if (o.api[j] !== api || o.range[j] !== range) continue;
        found ||= skip[other][j] === 1;
        skip[other][j] = 1;
      }
      return found;
    };
    if (seen(CURRENT) || seen(TARGET)) return; // already reported for this consumer
    const former = when === "after" ? fleet.services[firstServing[api] ?? -1]?.name : undefined;
    missing.push({
      kind: "missing-provider",
      when,
      consumer,
      side: side === TARGET ? "target" : "current",
      api: compact.apiNames[api] ?? "",
      range: compact.rangeNames[range] ?? "",
      formerProvider: former,
    });
  };
  for (let s = 0; s < fleet.services.length; s++) {
    const rows = compact.needs[CURRENT];
    for (let k = rows.start[s] ?? 0; k < (rows.start[s + 1] ?? 0); k++) {
      if (now[rows.api[k] ?? 0] !== 1) report(s, "now", CURRENT, k);
    }
    const side = sideOf(compact, s, TARGET);
    const end = compact.needs[side];
    for (let k = end.start[s] ?? 0; k < (end.start[s + 1] ?? 0); k++) {
      if (after[end.api[k] ?? 0] !== 1) report(s, "after", side, k);
    }
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
  const compact = fleet.compact;
  const providers = providerIndex(compact);
  const skip: [Uint8Array, Uint8Array] = [
    new Uint8Array(compact.needs[CURRENT].api.length),
    new Uint8Array(compact.needs[TARGET].api.length),
  ];
  const missing = findMissing(fleet, skip);
  const answers = new Map<number, boolean>();
  const versionCount = compact.versionNames.length;
  const ctx: PairContext = {
    fleet: compact,
    nameOf: (s) => services[s]?.name ?? "",
    satisfies: (range, version) => {
      const key = range * versionCount + version;
      let answer = answers.get(key);
      if (answer === undefined) {
        answer = matches(compact.versionNames[version] ?? "", compact.rangeNames[range] ?? "");
        answers.set(key, answer);
      }
      return answer;
    },
  };
  const edges: OrderingEdge[] = [];
  const incompatible: IncompatiblePair[] = [];
  // Scratch space reused for every consumer: which providers it reaches, and its needs on each.
  const groupOf = new Int32Array(services.length).fill(-1);
  const reached: number[] = [];
  const groups: NeedRef[][] = [];
  const add = (p: number, ref: NeedRef) => {
    const at = groupOf[p] ?? -1;
    if (at >= 0) {
      groups[at]?.push(ref);
      return;
    }
    groupOf[p] = reached.length;
    const group = groups[reached.length];
    if (group === undefined) groups.push([ref]);
    else {
      group.length = 0;
      group.push(ref);
    }
    reached.push(p);
  };
  for (let c = 0; c < services.length; c++) {
    for (const side of compact.moving[c] === 1 ? [CURRENT, TARGET] : [CURRENT]) {
      const rows = compact.needs[side as Side];
      for (let k = rows.start[c] ?? 0; k < (rows.start[c + 1] ?? 0); k++) {
        if (skip[side as Side][k] === 1) continue;
        const api = rows.api[k] ?? 0;
        for (let at = providers.start[api] ?? 0; at < (providers.start[api + 1] ?? 0); at++) {
          add(providers.list[at] ?? 0, k * 2 + side);
        }
      }
    }
    for (const p of reached) {
      const relation = pairRelation(ctx, c, p, groups[groupOf[p] ?? 0] ?? []);
      if (relation.kind === "never") incompatible.push({ kind: "incompatible", reasons: relation.reasons });
      const edge = relationEdge(relation, c, p);
      if (edge !== undefined) edges.push(edge);
    }
    for (const p of reached) groupOf[p] = -1;
    reached.length = 0;
    if (compact.moving[c] !== 1) continue;
    for (const dependency of services[c]?.dependsOn ?? []) {
      const d = fleet.indexOf.get(dependency);
      if (d !== undefined && compact.moving[d] === 1) {
        edges.push({ before: d, after: c, cause: { kind: "depends-on" } });
      }
    }
  }
  return { edges, missing, incompatible };
}
