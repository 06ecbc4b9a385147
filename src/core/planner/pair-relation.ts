import { type CompactFleet, CURRENT, type Side, servedEntry, sideOf, TARGET } from "./compact-fleet.js";

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

const ANY: PairRelation = Object.freeze({ kind: "any" });

/** What pairRelation needs besides the two services: the fleet, names, and a memoised semver answer. */
export interface PairContext {
  readonly fleet: CompactFleet;
  readonly nameOf: (service: number) => string;
  /** Does version id `version` satisfy range id `range`? */
  readonly satisfies: (range: number, version: number) => boolean;
}

/** A requirement of the consumer: `k * 2 + side`, k indexing `fleet.needs[side]`. */
export type NeedRef = number;

/** Running versions of the provider in a state: only current, both (mixed), only target. */
type ProviderPhase = "old" | "mixed" | "new";

/** One requirement against one provider, with the semver answers computed once. */
interface NeedCheck {
  readonly side: Side;
  readonly api: number;
  readonly range: number;
  /** The provider's served entries of the API (current, target side), -1 when not served. */
  readonly old: number;
  readonly neu: number;
  readonly oldOk: boolean;
  readonly newOk: boolean;
}

function anyInRange(ctx: PairContext, service: number, side: Side, entry: number, range: number): boolean {
  if (entry < 0) return false;
  const rows = ctx.fleet.served[sideOf(ctx.fleet, service, side)];
  for (let j = rows.versionStart[entry] ?? 0; j < (rows.versionStart[entry + 1] ?? 0); j++) {
    if (ctx.satisfies(range, rows.version[j] ?? 0)) return true;
  }
  return false;
}

function versionsOf(ctx: PairContext, service: number, side: Side, entry: number): string[] {
  if (entry < 0) return [];
  const rows = ctx.fleet.served[sideOf(ctx.fleet, service, side)];
  const out: string[] = [];
  for (let j = rows.versionStart[entry] ?? 0; j < (rows.versionStart[entry + 1] ?? 0); j++) {
    out.push(ctx.fleet.versionNames[rows.version[j] ?? 0] ?? "");
  }
  return out;
}

function check(ctx: PairContext, provider: number, ref: NeedRef): NeedCheck {
  const side: Side = (ref & 1) === 1 ? TARGET : CURRENT;
  const rows = ctx.fleet.needs[side];
  const api = rows.api[ref >> 1] ?? 0;
  const range = rows.range[ref >> 1] ?? 0;
  const old = servedEntry(ctx.fleet, provider, CURRENT, api);
  const neu = servedEntry(ctx.fleet, provider, TARGET, api);
  return {
    side,
    api,
    range,
    old,
    neu,
    oldOk: anyInRange(ctx, provider, CURRENT, old, range),
    newOk: anyInRange(ctx, provider, TARGET, neu, range),
  };
}

/**
 * The first failure of the consumer's `side` version against the provider in `phase`: if any
 * running version of the provider serves the API, every running version must serve a version in
 * range (a version that does not serve it at all would still receive the traffic).
 */
function firstFailure(
  ctx: PairContext,
  consumer: number,
  provider: number,
  checks: readonly NeedCheck[],
  side: VersionSide,
  phase: ProviderPhase,
): RequirementFailure | undefined {
  // A service that does not move runs its current version as its "target".
  const wanted = sideOf(ctx.fleet, consumer, side === "target" ? TARGET : CURRENT);
  for (const c of checks) {
    if (c.side !== wanted) continue;
    let providerSide: VersionSide | undefined;
    if (phase !== "new" && c.old >= 0 && !c.oldOk) providerSide = "current";
    else if (phase !== "old" && c.neu >= 0 && !c.newOk) providerSide = "target";
    else if (phase === "mixed" && (c.old >= 0 || c.neu >= 0) && !(c.oldOk && c.newOk))
      providerSide = c.oldOk ? "target" : "current";
    if (providerSide === undefined) continue;
    const entry = providerSide === "current" ? c.old : c.neu;
    return {
      consumer: ctx.nameOf(consumer),
      consumerSide: side,
      api: ctx.fleet.apiNames[c.api] ?? "",
      range: ctx.fleet.rangeNames[c.range] ?? "",
      provider: ctx.nameOf(provider),
      providerSide,
      provides: versionsOf(ctx, provider, providerSide === "current" ? CURRENT : TARGET, entry),
    };
  }
  return undefined;
}

/**
 * The orders in which `consumer` and `provider` may roll out, from the states each order visits:
 * consumer first visits (mixed, old) and (new, mixed); provider first visits (old, mixed) and
 * (mixed, new); same wave visits (mixed, mixed). A service that does not move is its own target.
 */
function relation(ctx: PairContext, c: number, p: number, checks: readonly NeedCheck[]): PairRelation {
  // Direct calls rather than a helper closure: this runs for every pair with a moving service.
  const sameWave =
    firstFailure(ctx, c, p, checks, "current", "mixed") ?? firstFailure(ctx, c, p, checks, "target", "mixed");
  if (sameWave === undefined) return ANY;
  const moving = c !== p && ctx.fleet.moving[c] === 1 && ctx.fleet.moving[p] === 1;
  if (!moving) return { kind: "never", reasons: [sameWave] };
  const consumerFirst =
    firstFailure(ctx, c, p, checks, "current", "old") ??
    firstFailure(ctx, c, p, checks, "target", "old") ??
    firstFailure(ctx, c, p, checks, "target", "mixed");
  const providerFirst =
    firstFailure(ctx, c, p, checks, "current", "mixed") ??
    firstFailure(ctx, c, p, checks, "current", "new") ??
    firstFailure(ctx, c, p, checks, "target", "new");
  if (consumerFirst === undefined && providerFirst !== undefined)
    return { kind: "consumer-first", reason: providerFirst };
  if (providerFirst === undefined && consumerFirst !== undefined)
    return { kind: "provider-first", reason: consumerFirst };
  if (consumerFirst === undefined || providerFirst === undefined) return ANY; // unreachable: both orders safe imply the same wave is
  const same = consumerFirst.api === providerFirst.api && consumerFirst.range === providerFirst.range;
  return { kind: "never", reasons: same ? [consumerFirst] : [consumerFirst, providerFirst] };
}

/**
 * True when the same wave is safe, so any order is (see `relation`): every requirement is served
 * in range by both provider versions, or by neither. Most pairs of a large fleet are such, and
 * this answers them without building a check per requirement.
 */
function quietPair(ctx: PairContext, p: number, refs: readonly NeedRef[]): boolean {
  for (const ref of refs) {
    const rows = ctx.fleet.needs[(ref & 1) === 1 ? TARGET : CURRENT];
    const api = rows.api[ref >> 1] ?? 0;
    const range = rows.range[ref >> 1] ?? 0;
    const old = servedEntry(ctx.fleet, p, CURRENT, api);
    const neu = servedEntry(ctx.fleet, p, TARGET, api);
    if (old < 0 && neu < 0) continue;
    if (!anyInRange(ctx, p, CURRENT, old, range) || !anyInRange(ctx, p, TARGET, neu, range)) return false;
  }
  return true;
}

/**
 * The relation of a consumer to one provider (service indices), from the consumer's requirements
 * on APIs the provider serves in some version (`refs`). When no order works it names a smallest
 * set of requirements to blame: one that fails in every order on its own if there is one, else
 * one that rules out each order; so that removing any reported requirement lets some order through.
 */
export function pairRelation(
  ctx: PairContext,
  consumer: number,
  provider: number,
  refs: readonly NeedRef[],
): PairRelation {
  if (quietPair(ctx, provider, refs)) return ANY;
  const checks = refs.map((ref) => check(ctx, provider, ref));
  const found = relation(ctx, consumer, provider, checks);
  if (found.kind !== "never" || found.reasons.length < 2) return found;
  for (const single of checks) {
    const same = (c: NeedCheck) => c.api === single.api && c.range === single.range;
    const alone = relation(ctx, consumer, provider, checks.filter(same));
    if (alone.kind === "never") return alone;
  }
  return found;
}
