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
  const from = rows.versionStart[entry] ?? 0;
  // Sized up front: every edge's reason keeps this list, and one grown by push keeps room for 17.
  const out = new Array<string>((rows.versionStart[entry + 1] ?? 0) - from);
  for (let j = 0; j < out.length; j++) out[j] = ctx.fleet.versionNames[rows.version[from + j] ?? 0] ?? "";
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

/** No requirement fails (firstFailure's answer). */
const NONE = -1;

/**
 * The first failure of the consumer's `side` version against the provider in `phase`: if any
 * running version of the provider serves the API, every running version must serve a version in
 * range (a version that does not serve it at all would still receive the traffic). Answered as a
 * number, `(check index * 2 + provider side) * 2 + consumer side`, or NONE: `relation` asks up to
 * seven such questions per pair and reports at most two, so only those become objects (`failure`).
 */
function firstFailure(
  ctx: PairContext,
  consumer: number,
  checks: readonly NeedCheck[],
  side: Side,
  phase: ProviderPhase,
): number {
  // A service that does not move runs its current version as its "target".
  const wanted = sideOf(ctx.fleet, consumer, side);
  for (let i = 0; i < checks.length; i++) {
    const c = checks[i] as NeedCheck;
    if (c.side !== wanted) continue;
    let providerSide: Side | undefined;
    if (phase !== "new" && c.old >= 0 && !c.oldOk) providerSide = CURRENT;
    else if (phase !== "old" && c.neu >= 0 && !c.newOk) providerSide = TARGET;
    else if (phase === "mixed" && (c.old >= 0 || c.neu >= 0) && !(c.oldOk && c.newOk))
      providerSide = c.oldOk ? TARGET : CURRENT;
    if (providerSide === undefined) continue;
    return (i * 2 + providerSide) * 2 + side;
  }
  return NONE;
}

/** The failure firstFailure answered with `code`, as reports read it. */
function failure(
  ctx: PairContext,
  consumer: number,
  provider: number,
  checks: readonly NeedCheck[],
  code: number,
): RequirementFailure {
  const c = checks[code >> 2] as NeedCheck;
  const providerSide: Side = ((code >> 1) & 1) === 1 ? TARGET : CURRENT;
  return {
    consumer: ctx.nameOf(consumer),
    consumerSide: (code & 1) === 1 ? "target" : "current",
    api: ctx.fleet.apiNames[c.api] ?? "",
    range: ctx.fleet.rangeNames[c.range] ?? "",
    provider: ctx.nameOf(provider),
    providerSide: providerSide === CURRENT ? "current" : "target",
    provides: versionsOf(ctx, provider, providerSide, providerSide === CURRENT ? c.old : c.neu),
  };
}

/** The first of a sequence of firstFailure answers that found one, else NONE. */
function either(a: number, b: number): number {
  return a === NONE ? b : a;
}

/** Which orders a pair allows (a PairRelation's kind), without the failures that explain it. */
export type PairOrder = PairRelation["kind"];

/** A pair's order and the firstFailure answers it was decided by, which `relation` turns into reasons. */
interface OrderCodes {
  readonly order: PairOrder;
  readonly sameWave: number;
  readonly consumerFirst: number;
  readonly providerFirst: number;
}

/**
 * The orders in which `consumer` and `provider` may roll out, from the states each order visits:
 * consumer first visits (mixed, old) and (new, mixed); provider first visits (old, mixed) and
 * (mixed, new); same wave visits (mixed, mixed). A service that does not move is its own target.
 */
function orderOf(ctx: PairContext, c: number, p: number, checks: readonly NeedCheck[]): OrderCodes {
  // Direct calls rather than a helper closure: this runs for every pair with a moving service.
  const sameWave = either(
    firstFailure(ctx, c, checks, CURRENT, "mixed"),
    firstFailure(ctx, c, checks, TARGET, "mixed"),
  );
  if (sameWave === NONE) return { order: "any", sameWave, consumerFirst: NONE, providerFirst: NONE };
  const moving = c !== p && ctx.fleet.moving[c] === 1 && ctx.fleet.moving[p] === 1;
  if (!moving) return { order: "never", sameWave, consumerFirst: NONE, providerFirst: NONE };
  let consumerFirst = firstFailure(ctx, c, checks, CURRENT, "old");
  if (consumerFirst === NONE) consumerFirst = firstFailure(ctx, c, checks, TARGET, "old");
  if (consumerFirst === NONE) consumerFirst = firstFailure(ctx, c, checks, TARGET, "mixed");
  let providerFirst = firstFailure(ctx, c, checks, CURRENT, "mixed");
  if (providerFirst === NONE) providerFirst = firstFailure(ctx, c, checks, CURRENT, "new");
  if (providerFirst === NONE) providerFirst = firstFailure(ctx, c, checks, TARGET, "new");
  let order: PairOrder = "never";
  if (consumerFirst === NONE && providerFirst !== NONE) order = "consumer-first";
  else if (providerFirst === NONE && consumerFirst !== NONE) order = "provider-first";
  else if (consumerFirst === NONE || providerFirst === NONE) order = "any"; // unreachable: both orders safe imply the same wave is
  return { order, sameWave, consumerFirst, providerFirst };
}

/** The relation `orderOf` decided, with the failures that explain it. */
function relation(ctx: PairContext, c: number, p: number, checks: readonly NeedCheck[]): PairRelation {
  const { order, sameWave, consumerFirst, providerFirst } = orderOf(ctx, c, p, checks);
  switch (order) {
    case "any":
      return ANY;
    case "consumer-first":
      return { kind: "consumer-first", reason: failure(ctx, c, p, checks, providerFirst) };
    case "provider-first":
      return { kind: "provider-first", reason: failure(ctx, c, p, checks, consumerFirst) };
    case "never":
      break;
    default: {
      const unreachable: never = order;
      return unreachable;
    }
  }
  // Never, and not both moving: orderOf stopped at the same wave, whose failure explains it.
  if (consumerFirst === NONE) return { kind: "never", reasons: [failure(ctx, c, p, checks, sameWave)] };
  const [a, b] = [checks[consumerFirst >> 2] as NeedCheck, checks[providerFirst >> 2] as NeedCheck];
  // Interned ids: the same id is the same API (range) name.
  const same = a.api === b.api && a.range === b.range;
  const first = failure(ctx, c, p, checks, consumerFirst);
  return {
    kind: "never",
    reasons: same ? [first] : [first, failure(ctx, c, p, checks, providerFirst)],
  };
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
 * pairRelation's kind alone: the orders a consumer and a provider allow, without building the
 * failures that explain them. A large fleet orders tens of thousands of pairs, and only a conflict
 * report reads why (see OrderingEdges.cause).
 */
export function pairOrder(
  ctx: PairContext,
  consumer: number,
  provider: number,
  refs: readonly NeedRef[],
): PairOrder {
  if (quietPair(ctx, provider, refs)) return "any";
  return orderOf(ctx, consumer, provider, checksOf(ctx, provider, refs)).order;
}

/** One check per requirement: a loop rather than map, so no closure per pair. */
function checksOf(ctx: PairContext, provider: number, refs: readonly NeedRef[]): NeedCheck[] {
  const checks = new Array<NeedCheck>(refs.length);
  for (let i = 0; i < refs.length; i++) checks[i] = check(ctx, provider, refs[i] as NeedRef);
  return checks;
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
  const checks = checksOf(ctx, provider, refs);
  const found = relation(ctx, consumer, provider, checks);
  if (found.kind !== "never" || found.reasons.length < 2) return found;
  for (const single of checks) {
    const same = (c: NeedCheck) => c.api === single.api && c.range === single.range;
    const alone = relation(ctx, consumer, provider, checks.filter(same));
    if (alone.kind === "never") return alone;
  }
  return found;
}
