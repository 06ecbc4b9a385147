import type { ApiNeed, FleetService, ServiceVersion } from "./planning-fleet.js";
import type { RangeMatcher } from "./range-matcher.js";

export type VersionSide = "current" | "target";

/** A requirement that fails in some state, and what the provider offered there. */
export interface RequirementFailure {
  readonly consumer: string;
  readonly consumerSide: VersionSide;
  readonly api: string;
  readonly range: string;
  readonly provider: string;
  readonly providerSide: VersionSide;
  readonly provides: readonly string[];
}

/**
 * Which relative orders of a consumer's and a provider's waves keep every state safe. Same-wave
 * (both mixed) is the strictest state, so "same wave allowed" implies both other orders are too
 * and the only outcomes are: any order, one strict order, or none.
 */
export type PairRelation =
  | { readonly kind: "any" }
  | { readonly kind: "consumer-first"; readonly reason: RequirementFailure }
  | { readonly kind: "provider-first"; readonly reason: RequirementFailure }
  | { readonly kind: "never"; readonly reasons: readonly RequirementFailure[] };

/** Running versions of the provider in a state: only current, both (mixed), only target. */
type ProviderPhase = "old" | "mixed" | "new";

function failure(
  consumer: FleetService,
  side: VersionSide,
  need: ApiNeed,
  provider: FleetService,
  providerSide: VersionSide,
  provides: readonly string[] | undefined,
): RequirementFailure {
  return {
    consumer: consumer.name,
    consumerSide: side,
    api: need.api,
    range: need.range,
    provider: provider.name,
    providerSide,
    provides: provides ?? [],
  };
}

/**
 * The first requirement of the consumer's `side` version that the provider breaks in `phase`:
 * if any running version of the provider serves the API, every running version must serve a
 * version in range (a version that does not serve it at all would still receive the traffic).
 */
function firstFailure(
  consumer: FleetService,
  side: VersionSide,
  provider: FleetService,
  phase: ProviderPhase,
  needs: (version: ServiceVersion) => readonly ApiNeed[],
  matches: RangeMatcher,
): RequirementFailure | undefined {
  const version = side === "target" ? (consumer.target ?? consumer.current) : consumer.current;
  const providerTarget = provider.target ?? provider.current;
  for (const need of needs(version)) {
    const old = provider.current.provides.get(need.api);
    const neu = providerTarget.provides.get(need.api);
    const oldOk = old?.some((v) => matches(v, need.range)) === true;
    const newOk = neu?.some((v) => matches(v, need.range)) === true;
    if (phase !== "new" && old !== undefined && !oldOk)
      return failure(consumer, side, need, provider, "current", old);
    if (phase !== "old" && neu !== undefined && !newOk)
      return failure(consumer, side, need, provider, "target", neu);
    if (phase === "mixed" && (old !== undefined || neu !== undefined) && !(oldOk && newOk))
      return oldOk
        ? failure(consumer, side, need, provider, "target", neu)
        : failure(consumer, side, need, provider, "current", old);
  }
  return undefined;
}

function firstOf(...checks: (() => RequirementFailure | undefined)[]): RequirementFailure | undefined {
  for (const check of checks) {
    const found = check();
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * The orders in which `consumer` and `provider` may roll out, from the states each order visits:
 * consumer first visits (mixed, old) and (new, mixed); provider first visits (old, mixed) and
 * (mixed, new); same wave visits (mixed, mixed). A service that does not move is its own target.
 * `needs` gives the requirements to weigh (the caller drops those already reported elsewhere).
 */
function relation(
  consumer: FleetService,
  provider: FleetService,
  needs: (version: ServiceVersion) => readonly ApiNeed[],
  matches: RangeMatcher,
): PairRelation {
  const f = (side: VersionSide, phase: ProviderPhase) => () =>
    firstFailure(consumer, side, provider, phase, needs, matches);
  const sameWave = firstOf(f("current", "mixed"), f("target", "mixed"));
  if (sameWave === undefined) return { kind: "any" };
  const moving = consumer !== provider && consumer.target !== undefined && provider.target !== undefined;
  if (!moving) return { kind: "never", reasons: [sameWave] };
  const consumerFirst = firstOf(f("current", "old"), f("target", "old"), f("target", "mixed"));
  const providerFirst = firstOf(f("current", "mixed"), f("current", "new"), f("target", "new"));
  if (consumerFirst === undefined && providerFirst !== undefined)
    return { kind: "consumer-first", reason: providerFirst };
  if (providerFirst === undefined && consumerFirst !== undefined)
    return { kind: "provider-first", reason: consumerFirst };
  if (consumerFirst === undefined || providerFirst === undefined) return { kind: "any" }; // unreachable: both orders safe imply the same wave is
  const same = consumerFirst.api === providerFirst.api && consumerFirst.range === providerFirst.range;
  return { kind: "never", reasons: same ? [consumerFirst] : [consumerFirst, providerFirst] };
}

/**
 * Like `relation`, but when no order works, names a smallest set of requirements to blame: one
 * requirement that fails in every order on its own if there is one, else one that rules out each
 * order; so that removing any reported requirement lets some order through.
 */
export function pairRelation(
  consumer: FleetService,
  provider: FleetService,
  needs: (version: ServiceVersion) => readonly ApiNeed[],
  matches: RangeMatcher,
): PairRelation {
  const found = relation(consumer, provider, needs, matches);
  if (found.kind !== "never" || found.reasons.length < 2) return found;
  const served = (api: string) =>
    provider.current.provides.has(api) || provider.target?.provides.has(api) === true;
  const versions = consumer.target === undefined ? [consumer.current] : [consumer.current, consumer.target];
  for (const single of versions.flatMap((v) => needs(v)).filter((n) => served(n.api))) {
    const only = (v: ServiceVersion) =>
      needs(v).filter((n) => n.api === single.api && n.range === single.range);
    const alone = relation(consumer, provider, only, matches);
    if (alone.kind === "never") return alone;
  }
  return found;
}
