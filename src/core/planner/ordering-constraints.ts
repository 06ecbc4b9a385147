import { type CompactFleet, CURRENT, type Side, TARGET } from "./compact-fleet.js";
import { findMissing, type MissingProvider } from "./missing-providers.js";
import type { NeedRef, PairContext, RequirementFailure } from "./pair-relation.js";
import { pairOrder, pairRelation } from "./pair-relation.js";
import type { PlanningFleet } from "./planning-fleet.js";
import {
  ENTRY_WORDS,
  firstEntry,
  NO_ENTRY,
  NOT_SERVED,
  nextEntry,
  providerIndex,
  severalEntry,
} from "./provider-index.js";
import type { RangeMatcher } from "./range-matcher.js";

/** Why one moving service must roll out in an earlier wave than another. */
export type EdgeCause =
  | { readonly kind: "depends-on" }
  | { readonly kind: "requirement"; readonly failure: RequirementFailure };

/** Where an ordering edge comes from. */
const DEPENDS_ON = 0;
const CONSUMER_FIRST = 1;
const PROVIDER_FIRST = 2;

/**
 * Precedence edges between services (indices into `PlanningFleet.services`): edge e puts
 * `before[e]` in an earlier wave than `after[e]`. Plain lists rather than an object per edge: a
 * 100,000-service fleet has 20,000 of them, and each object (with its cause, the failure and its
 * list of versions) lived through the plan for the scavenger to copy, while only a conflict report
 * ever reads a cause. `cause(e)` works it out again when asked: the pair's relation, as when the
 * edge was made.
 */
export interface OrderingEdges {
  readonly before: readonly number[];
  readonly after: readonly number[];
  /** Whether edge e comes from a dependsOn (otherwise from a requirement). */
  isDependsOn(e: number): boolean;
  cause(e: number): EdgeCause;
}

/** A consumer and a provider that no relative order makes safe. */
export interface IncompatiblePair {
  readonly kind: "incompatible";
  readonly reasons: readonly RequirementFailure[];
}

export interface OrderingConstraints {
  readonly edges: OrderingEdges;
  readonly missing: readonly MissingProvider[];
  readonly incompatible: readonly IncompatiblePair[];
}

/** Above this many (range, version) cells the answers go in a Map rather than a flat table. */
const TABLE_LIMIT = 1 << 22;

/**
 * Memoised semver answers by (range id, version id): a flat byte table (0 unknown, 1 yes, 2 no)
 * when fleets use few distinct ranges and versions, as they do; the quiet pairs of a large fleet
 * ask it once per requirement, and a byte read costs less than a Map lookup.
 */
function semverTable(
  compact: CompactFleet,
  matches: RangeMatcher,
): (range: number, version: number) => boolean {
  const versionCount = compact.versionNames.length;
  const ask = (range: number, version: number) =>
    matches(compact.versionNames[version] ?? "", compact.rangeNames[range] ?? "");
  if (compact.rangeNames.length * versionCount > TABLE_LIMIT) {
    const answers = new Map<number, boolean>();
    return (range, version) => {
      const key = range * versionCount + version;
      let answer = answers.get(key);
      if (answer === undefined) {
        answer = ask(range, version);
        answers.set(key, answer);
      }
      return answer;
    };
  }
  const table = new Uint8Array(compact.rangeNames.length * versionCount);
  return (range, version) => {
    const key = range * versionCount + version;
    let answer = table[key] ?? 0;
    if (answer === 0) {
      answer = ask(range, version) ? 1 : 2;
      table[key] = answer;
    }
    return answer === 1;
  };
}

// Shared, so that no array is built per consumer.
const BOTH_SIDES: readonly Side[] = [CURRENT, TARGET];
const CURRENT_SIDE: readonly Side[] = [CURRENT];

const DEPENDS_ON_CAUSE: EdgeCause = Object.freeze({ kind: "depends-on" });

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
  const ctx: PairContext = {
    fleet: compact,
    nameOf: (s) => services[s]?.name ?? "",
    satisfies: semverTable(compact, matches),
  };
  const [before, after, origin]: [number[], number[], number[]] = [[], [], []];
  const edge = (from: number, to: number, why: number) => {
    before.push(from);
    after.push(to);
    origin.push(why);
  };
  const incompatible: IncompatiblePair[] = [];
  // Scratch space reused for every consumer: which providers it reaches (the first `reachedCount`
  // of `reached`), and its needs on each. Emptied by count, never by `length = 0`: V8 drops an
  // emptied array's storage, and the next push allocates it again (20,000 loud pairs, 3 MB).
  const groupOf = new Int32Array(services.length).fill(-1);
  const reached: number[] = [];
  let reachedCount = 0;
  const groups: NeedRef[][] = [];
  const add = (p: number, ref: NeedRef) => {
    const at = groupOf[p] ?? -1;
    if (at >= 0) {
      groups[at]?.push(ref);
      return;
    }
    groupOf[p] = reachedCount;
    const group = groups[reachedCount];
    if (group === undefined) groups.push([ref]);
    else {
      group[0] = ref;
      group.length = 1;
    }
    reached[reachedCount++] = p;
  };
  const satisfies = ctx.satisfies;
  /** Whether the provider's version serves some version of the API in `range` (see `quietNeed`). */
  const inRange = (range: number, served: number) => {
    if (served >= 0) return satisfies(range, served);
    const where = severalEntry(served);
    const rows = compact.served[(where & 1) as Side];
    const entry = where >> 1;
    for (let j = rows.versionStart[entry] ?? 0; j < (rows.versionStart[entry + 1] ?? 0); j++)
      if (satisfies(range, rows.version[j] ?? 0)) return true;
    return false;
  };
  /**
   * Whether a requirement (range) holds against a provider whichever of its versions runs, from
   * the versions the provider index keeps beside it: served in range by both versions, or by
   * neither. This is pairRelation's own first test (quietPair), per requirement; a pair none of
   * whose requirements may fail relates as "any", and pairRelation is not asked. A version serving
   * the API in several versions (a release adding 1.5 beside 1.4) has them read where the index
   * says they are.
   */
  const quietNeed = (range: number, at: number) => {
    const before = providers.entries[ENTRY_WORDS * at + 1] ?? 0;
    const after = providers.entries[ENTRY_WORDS * at + 2] ?? 0;
    if (before === NOT_SERVED || after === NOT_SERVED) return before === after;
    return inRange(range, before) && inRange(range, after);
  };
  // A pass per consumer finds the providers some requirement may fail against (most consumers
  // have none); only then are its requirements grouped by provider, for those providers alone.
  const loudStamp = new Int32Array(services.length).fill(-1);
  for (let c = 0; c < services.length; c++) {
    const sides = compact.moving[c] === 1 ? BOTH_SIDES : CURRENT_SIDE;
    let loudCount = 0;
    for (let s = 0; s < sides.length; s++) {
      const side = sides[s] as Side;
      const rows = compact.needs[side];
      for (let k = rows.start[c] ?? 0; k < (rows.start[c + 1] ?? 0); k++) {
        if (skip[side][k] === 1) continue;
        const api = rows.api[k] ?? 0;
        const range = rows.range[k] ?? 0;
        for (let at = firstEntry(providers, api); at !== NO_ENTRY; at = nextEntry(providers, at)) {
          if (quietNeed(range, at)) continue;
          const p = providers.entries[ENTRY_WORDS * at] ?? 0;
          if (loudStamp[p] !== c) {
            loudStamp[p] = c;
            loudCount++;
          }
        }
      }
    }
    if (loudCount > 0) {
      for (let s = 0; s < sides.length; s++) {
        const side = sides[s] as Side;
        const rows = compact.needs[side];
        for (let k = rows.start[c] ?? 0; k < (rows.start[c + 1] ?? 0); k++) {
          if (skip[side][k] === 1) continue;
          const api = rows.api[k] ?? 0;
          for (let at = firstEntry(providers, api); at !== NO_ENTRY; at = nextEntry(providers, at)) {
            const p = providers.entries[ENTRY_WORDS * at] ?? 0;
            if (loudStamp[p] === c) add(p, k * 2 + side);
          }
        }
      }
    }
    for (let r = 0; r < reachedCount; r++) {
      const p = reached[r] as number;
      const at = groupOf[p] ?? 0;
      const order = pairOrder(ctx, c, p, groups[at] ?? []);
      if (order === "consumer-first") edge(c, p, CONSUMER_FIRST);
      else if (order === "provider-first") edge(p, c, PROVIDER_FIRST);
      else if (order === "never") {
        const relation = pairRelation(ctx, c, p, groups[at] ?? []);
        if (relation.kind === "never") incompatible.push({ kind: "incompatible", reasons: relation.reasons });
      }
    }
    for (let r = 0; r < reachedCount; r++) groupOf[reached[r] as number] = -1;
    reachedCount = 0;
    if (compact.moving[c] !== 1) continue;
    const dependencies = fleet.dependencies;
    for (let j = dependencies.start[c] ?? 0; j < (dependencies.start[c + 1] ?? 0); j++) {
      const d = dependencies.list[j] ?? 0;
      if (compact.moving[d] === 1) edge(d, c, DEPENDS_ON);
    }
  }
  /** The consumer's requirements on APIs the provider serves in some version, as they were grouped. */
  const refsOn = (c: number, p: number) => {
    const refs: NeedRef[] = [];
    for (const side of compact.moving[c] === 1 ? BOTH_SIDES : CURRENT_SIDE) {
      const rows = compact.needs[side];
      for (let k = rows.start[c] ?? 0; k < (rows.start[c + 1] ?? 0); k++) {
        if (skip[side][k] === 1) continue;
        const api = rows.api[k] ?? 0;
        for (let at = firstEntry(providers, api); at !== NO_ENTRY; at = nextEntry(providers, at))
          if (providers.entries[ENTRY_WORDS * at] === p) refs.push(k * 2 + side);
      }
    }
    return refs;
  };
  const causes = new Map<number, EdgeCause>();
  const cause = (e: number): EdgeCause => {
    const known = causes.get(e);
    if (known !== undefined) return known;
    const why = origin[e];
    if (why === DEPENDS_ON) return DEPENDS_ON_CAUSE;
    const [from, to] = [before[e] ?? 0, after[e] ?? 0];
    const [c, p] = why === CONSUMER_FIRST ? [from, to] : [to, from];
    const relation = pairRelation(ctx, c, p, refsOn(c, p));
    if (relation.kind !== "consumer-first" && relation.kind !== "provider-first")
      throw new Error(`edge ${e} (${c} and ${p}) no longer orders them: ${relation.kind}`);
    const found: EdgeCause = { kind: "requirement", failure: relation.reason };
    causes.set(e, found);
    return found;
  };
  const edges: OrderingEdges = { before, after, isDependsOn: (e) => origin[e] === DEPENDS_ON, cause };
  return { edges, missing, incompatible };
}
