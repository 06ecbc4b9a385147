import { type ApiNeed, type FleetService, servedVersions } from "./planning-fleet.js";
import type { RangeMatcher } from "./range-matcher.js";

export type VersionSide = "current" | "target";

/** A requirement of one version of the consumer. */
export interface SidedNeed {
  readonly side: VersionSide;
  readonly need: ApiNeed;
  /** `need.api` interned (`PlanningFleet.apiNames`). */
  readonly apiId: number;
}

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

const ANY: PairRelation = Object.freeze({ kind: "any" });

/** Running versions of the provider in a state: only current, both (mixed), only target. */
type ProviderPhase = "old" | "mixed" | "new";

/** One requirement against one provider, with the semver answers computed once. */
interface NeedCheck extends SidedNeed {
  readonly old: readonly string[] | undefined;
  readonly neu: readonly string[] | undefined;
  readonly oldOk: boolean;
  readonly newOk: boolean;
}

/** Loops, not `some(callback)`: this runs for every (requirement, provider) pair of the fleet. */
function anyInRange(versions: readonly string[] | undefined, range: string, matches: RangeMatcher): boolean {
  if (versions === undefined) return false;
  for (const v of versions) if (matches(v, range)) return true;
  return false;
}

function allServedNow(provider: FleetService, needs: readonly SidedNeed[], matches: RangeMatcher): boolean {
  for (const { need, apiId } of needs) {
    const served = servedVersions(provider.current, apiId);
    if (served !== undefined && !anyInRange(served, need.range, matches)) return false;
  }
  return true;
}

function check(provider: FleetService, sided: SidedNeed, matches: RangeMatcher): NeedCheck {
  const range = sided.need.range;
  const old = servedVersions(provider.current, sided.apiId);
  const neu = servedVersions(provider.target ?? provider.current, sided.apiId);
  return {
    side: sided.side,
    need: sided.need,
    apiId: sided.apiId,
    old,
    neu,
    oldOk: anyInRange(old, range, matches),
    newOk: anyInRange(neu, range, matches),
  };
}

/**
 * The first failure of the consumer's `side` version against the provider in `phase`: if any
 * running version of the provider serves the API, every running version must serve a version in
 * range (a version that does not serve it at all would still receive the traffic).
 */
function firstFailure(
  consumer: FleetService,
  provider: FleetService,
  checks: readonly NeedCheck[],
  side: VersionSide,
  phase: ProviderPhase,
): RequirementFailure | undefined {
  // A service that does not move runs its current version as its "target".
  const wanted = consumer.target === undefined ? "current" : side;
  for (const c of checks) {
    if (c.side !== wanted) continue;
    let providerSide: VersionSide | undefined;
    if (phase !== "new" && c.old !== undefined && !c.oldOk) providerSide = "current";
    else if (phase !== "old" && c.neu !== undefined && !c.newOk) providerSide = "target";
    else if (phase === "mixed" && (c.old !== undefined || c.neu !== undefined) && !(c.oldOk && c.newOk))
      providerSide = c.oldOk ? "target" : "current";
    if (providerSide === undefined) continue;
    return {
      consumer: consumer.name,
      consumerSide: side,
      api: c.need.api,
      range: c.need.range,
      provider: provider.name,
      providerSide,
      provides: (providerSide === "current" ? c.old : c.neu) ?? [],
    };
  }
  return undefined;
}

/**
 * The orders in which `consumer` and `provider` may roll out, from the states each order visits:
 * consumer first visits (mixed, old) and (new, mixed); provider first visits (old, mixed) and
 * (mixed, new); same wave visits (mixed, mixed). A service that does not move is its own target.
 */
function relation(
  consumer: FleetService,
  provider: FleetService,
  checks: readonly NeedCheck[],
): PairRelation {
  const f = firstFailure;
  const [c, p] = [consumer, provider];
  const sameWave = f(c, p, checks, "current", "mixed") ?? f(c, p, checks, "target", "mixed");
  if (sameWave === undefined) return ANY;
  const moving = consumer !== provider && consumer.target !== undefined && provider.target !== undefined;
  if (!moving) return { kind: "never", reasons: [sameWave] };
  const consumerFirst =
    f(c, p, checks, "current", "old") ??
    f(c, p, checks, "target", "old") ??
    f(c, p, checks, "target", "mixed");
  const providerFirst =
    f(c, p, checks, "current", "mixed") ??
    f(c, p, checks, "current", "new") ??
    f(c, p, checks, "target", "new");
  if (consumerFirst === undefined && providerFirst !== undefined)
    return { kind: "consumer-first", reason: providerFirst };
  if (providerFirst === undefined && consumerFirst !== undefined)
    return { kind: "provider-first", reason: consumerFirst };
  if (consumerFirst === undefined || providerFirst === undefined) return ANY; // unreachable: both orders safe imply the same wave is
  const same = consumerFirst.api === providerFirst.api && consumerFirst.range === providerFirst.range;
  return { kind: "never", reasons: same ? [consumerFirst] : [consumerFirst, providerFirst] };
}

/**
 * The relation of a consumer to one provider, from the consumer's requirements on APIs that the
 * provider serves in some version (`needs`). When no order works it names a smallest set of
 * requirements to blame: one that fails in every order on its own if there is one, else one that
 * rules out each order; so that removing any reported requirement lets some order through.
 */
export function pairRelation(
  consumer: FleetService,
  provider: FleetService,
  needs: readonly SidedNeed[],
  matches: RangeMatcher,
): PairRelation {
  if (
    consumer.target === undefined &&
    provider.target === undefined &&
    allServedNow(provider, needs, matches)
  ) {
    return ANY; // the common case in a large fleet: neither moves and all is well now
  }
  const checks: NeedCheck[] = [];
  for (const n of needs) checks.push(check(provider, n, matches));
  const found = relation(consumer, provider, checks);
  if (found.kind !== "never" || found.reasons.length < 2) return found;
  for (const single of checks) {
    const same = (c: NeedCheck) => c.need.api === single.need.api && c.need.range === single.need.range;
    const alone = relation(consumer, provider, checks.filter(same));
    if (alone.kind === "never") return alone;
  }
  return found;
}
