import { StringInterner } from "./string-interner.js";

/** The shape compactFleet reads (structurally a FleetService; no import, so no cycle). */
interface VersionSource {
  readonly provides: readonly { readonly api: string; readonly version: string }[];
  readonly requires: readonly { readonly api: string; readonly range: string }[];
}
interface ServiceSource {
  readonly current: VersionSource;
  readonly target: VersionSource | undefined;
}

/** Version sides of a service: what runs now, and what the release moves it to. */
export const CURRENT = 0;
export const TARGET = 1;
export type Side = typeof CURRENT | typeof TARGET;

/**
 * What each service serves, in compressed rows: service s's entries are start[s] .. start[s + 1);
 * entry e serves API api[e] in versions version[versionStart[e] .. versionStart[e + 1]).
 */
export interface ServedRows {
  readonly start: Int32Array;
  readonly api: Int32Array;
  readonly versionStart: Int32Array;
  readonly version: Int32Array;
}

/** What each service needs: requirement k of service s (start[s] ≤ k < start[s + 1]) is api[k] in range[k]. */
export interface NeedRows {
  readonly start: Int32Array;
  readonly api: Int32Array;
  readonly range: Int32Array;
}

/**
 * The fleet's compatibility data as flat typed arrays over interned names: the planner's hot loops
 * touch only these, so a 100,000-service fleet stays small enough for the processor's caches.
 */
export interface CompactFleet {
  readonly moving: Uint8Array;
  readonly served: readonly [ServedRows, ServedRows];
  readonly needs: readonly [NeedRows, NeedRows];
  readonly apiNames: readonly string[];
  readonly versionNames: readonly string[];
  readonly rangeNames: readonly string[];
}

/**
 * The lists of a version a service does not move to: shared, since `?? []` would build an array
 * per service that stays (80,000 of them in a 100,000-service fleet, 5 MB for the scavenger).
 */
const NO_PROVIDES: VersionSource["provides"] = Object.freeze([]);
const NO_NEEDS: VersionSource["requires"] = Object.freeze([]);

/** The first position of `api` in a provides list: lists are a handful long, so a scan. */
function firstOf(provides: readonly { readonly api: string }[], api: string): number {
  for (let a = 0; a < provides.length; a++) if (provides[a]?.api === api) return a;
  return -1;
}

function servedRows(
  services: readonly ServiceSource[],
  pick: (s: ServiceSource) => VersionSource | undefined,
  apis: StringInterner,
  versions: StringInterner,
  capacity: number,
): ServedRows {
  const start = new Int32Array(services.length + 1);
  const api = new Int32Array(capacity);
  const versionStart = new Int32Array(capacity + 1);
  const version = new Int32Array(capacity);
  let entries = 0;
  let count = 0;
  for (let i = 0; i < services.length; i++) {
    const provides = pick(services[i] as ServiceSource)?.provides ?? NO_PROVIDES;
    for (let a = 0; a < provides.length; a++) {
      const name = (provides[a] as { readonly api: string }).api;
      if (firstOf(provides, name) < a) continue; // one entry per API
      api[entries] = apis.id(name);
      const first = count;
      for (let b = a; b < provides.length; b++) {
        const q = provides[b] as { readonly api: string; readonly version: string };
        if (q.api !== name) continue;
        const id = versions.id(q.version);
        let seen = false;
        for (let j = first; j < count && !seen; j++) seen = version[j] === id;
        if (!seen) version[count++] = id;
      }
      versionStart[++entries] = count;
    }
    start[i + 1] = entries;
  }
  return {
    start,
    api: api.subarray(0, entries),
    versionStart: versionStart.subarray(0, entries + 1),
    version,
  };
}

/**
 * Requirements of both sides in one pass per service: a target requirement on the same API and
 * range as the current one at its position (the usual case: a release keeps most requirements)
 * reuses its ids while both strings are still in cache, instead of hashing them again.
 */
function needRows(
  services: readonly ServiceSource[],
  apis: StringInterner,
  ranges: StringInterner,
  nowCapacity: number,
  nextCapacity: number,
): [NeedRows, NeedRows] {
  const now = {
    start: new Int32Array(services.length + 1),
    api: new Int32Array(nowCapacity),
    range: new Int32Array(nowCapacity),
  };
  const next = {
    start: new Int32Array(services.length + 1),
    api: new Int32Array(nextCapacity),
    range: new Int32Array(nextCapacity),
  };
  let [k, t] = [0, 0];
  for (let i = 0; i < services.length; i++) {
    const service = services[i] as ServiceSource;
    const current = service.current.requires;
    const first = k;
    for (let r = 0; r < current.length; r++) {
      const need = current[r] as { readonly api: string; readonly range: string };
      now.api[k] = apis.id(need.api);
      now.range[k++] = ranges.id(need.range);
    }
    now.start[i + 1] = k;
    const target = service.target?.requires ?? NO_NEEDS;
    for (let r = 0; r < target.length; r++) {
      const need = target[r] as { readonly api: string; readonly range: string };
      const same = current[r];
      next.api[t] =
        same !== undefined && same.api === need.api ? (now.api[first + r] ?? 0) : apis.id(need.api);
      next.range[t++] =
        same !== undefined && same.range === need.range ? (now.range[first + r] ?? 0) : ranges.id(need.range);
    }
    next.start[i + 1] = t;
  }
  return [now, next];
}

/** Flattens a fleet; a service that does not move has empty target rows. */
export function compactFleet(services: readonly ServiceSource[]): CompactFleet {
  const current = (s: ServiceSource) => s.current;
  const target = (s: ServiceSource) => s.target;
  // One pass sizes every row array (a 100,000-service fleet's versions are scattered over the heap,
  // so each pass over them is a cache miss per service); Uint8Array.from would iterate and allocate.
  const moving = new Uint8Array(services.length);
  let [provides, targetProvides, requires, targetRequires] = [0, 0, 0, 0];
  for (let i = 0; i < services.length; i++) {
    const s = services[i] as ServiceSource;
    provides += s.current.provides.length;
    requires += s.current.requires.length;
    if (s.target === undefined) continue;
    moving[i] = 1;
    targetProvides += s.target.provides.length;
    targetRequires += s.target.requires.length;
  }
  // Most APIs are served by someone: as many API names as served entries, roughly.
  const [apis, versions, ranges] = [new StringInterner(provides), new StringInterner(), new StringInterner()];
  return {
    moving,
    served: [
      servedRows(services, current, apis, versions, provides),
      servedRows(services, target, apis, versions, targetProvides),
    ],
    needs: needRows(services, apis, ranges, requires, targetRequires),
    apiNames: apis.names,
    versionNames: versions.names,
    rangeNames: ranges.names,
  };
}

/** The side a service runs as `side`: a service that does not move is its own target. */
export function sideOf(fleet: CompactFleet, service: number, side: Side): Side {
  return side === TARGET && fleet.moving[service] === 1 ? TARGET : CURRENT;
}

/** The served entry of `api` for a service's side, or -1 when that version does not serve it. */
export function servedEntry(fleet: CompactFleet, service: number, side: Side, api: number): number {
  const rows = fleet.served[sideOf(fleet, service, side)];
  for (let e = rows.start[service] ?? 0; e < (rows.start[service + 1] ?? 0); e++)
    if (rows.api[e] === api) return e;
  return -1;
}
