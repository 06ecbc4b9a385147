import { StringInterner } from "./string-interner.js";

/** A version as the builder reads it (structurally a ServiceVersion; no import, so no cycle). */
interface VersionSource {
  readonly provides: readonly { readonly api: string; readonly version: string }[];
  readonly requires: readonly { readonly api: string; readonly range: string }[];
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

/** The provides of a version a service does not move to. */
const NO_PROVIDES: VersionSource["provides"] = Object.freeze([]);

/**
 * Int32Arrays filled from the front in step (one length for all), doubled when full: rows are
 * built in one pass, unsized. A caller reserves room for a service's rows, writes them with plain
 * indexed stores, then sets `length`.
 */
class Rows {
  readonly columns: Int32Array[];
  length = 0;

  /**
   * `capacity` may be generous: a large typed array is mapped memory the kernel only backs where it
   * is written, so room never used costs no page faults.
   */
  constructor(columns: number, capacity: number) {
    this.columns = Array.from({ length: columns }, () => new Int32Array(Math.max(16, capacity)));
  }

  /** Makes room for `extra` more rows. */
  reserve(extra: number): void {
    const size = this.columns[0]?.length ?? 0;
    if (this.length + extra <= size) return;
    let grown = size * 2;
    while (grown < this.length + extra) grown *= 2;
    for (let c = 0; c < this.columns.length; c++) {
      const column = new Int32Array(grown);
      column.set(this.columns[c] as Int32Array);
      this.columns[c] = column;
    }
  }

  /** Column `c`'s rows filled so far (a view: no copy). */
  view(c: number): Int32Array {
    return (this.columns[c] as Int32Array).subarray(0, this.length);
  }
}

/** The first position of `api` in a provides list: lists are a handful long, so a scan. */
function firstOf(provides: readonly { readonly api: string }[], api: string): number {
  for (let a = 0; a < provides.length; a++) if (provides[a]?.api === api) return a;
  return -1;
}

/** One side's served rows as they are built: entries (API, end of its versions) by service, versions by entry. */
class ServedBuilder {
  readonly #start: Int32Array;
  /** Columns: API id, end of the entry's versions. */
  readonly #entries: Rows;
  readonly #versions: Rows;

  constructor(services: number, entries: number) {
    this.#start = new Int32Array(services + 1);
    this.#entries = new Rows(2, entries);
    this.#versions = new Rows(1, entries);
  }

  /** Service `service`'s entries: one per API it serves, with that API's versions, each once. */
  add(service: number, provides: VersionSource["provides"], apis: StringInterner, versions: StringInterner) {
    // A service has at most as many entries, and versions, as provides.
    this.#entries.reserve(provides.length);
    this.#versions.reserve(provides.length);
    const [api, end] = this.#entries.columns as [Int32Array, Int32Array];
    const version = this.#versions.columns[0] as Int32Array;
    let [e, count] = [this.#entries.length, this.#versions.length];
    for (let a = 0; a < provides.length; a++) {
      const name = (provides[a] as { readonly api: string }).api;
      if (firstOf(provides, name) < a) continue; // one entry per API
      api[e] = apis.id(name);
      const first = count;
      for (let b = a; b < provides.length; b++) {
        const q = provides[b] as { readonly api: string; readonly version: string };
        if (q.api !== name) continue;
        const id = versions.idInRun(q.version);
        let seen = false;
        for (let j = first; j < count && !seen; j++) seen = version[j] === id;
        if (!seen) version[count++] = id;
      }
      end[e++] = count;
    }
    this.#entries.length = e;
    this.#versions.length = count;
    this.#start[service + 1] = e;
  }

  rows(): ServedRows {
    const versionStart = new Int32Array(this.#entries.length + 1);
    versionStart.set(this.#entries.view(1), 1);
    return { start: this.#start, api: this.#entries.view(0), versionStart, version: this.#versions.view(0) };
  }
}

/** A requirement as the builder reads it. */
type Need = VersionSource["requires"][number];

/** One side's need rows as they are built: requirement k is API columns[0][k] in range columns[1][k]. */
class NeedBuilder {
  readonly start: Int32Array;
  readonly rows: Rows;

  constructor(services: number, capacity: number) {
    this.start = new Int32Array(services + 1);
    this.rows = new Rows(2, capacity);
  }

  /**
   * Appends service `service`'s requirements and returns the row of the first. A requirement on
   * the same API (range) as the one at its position in `earlier`, whose rows start at `earlierAt`
   * in `from`, reuses that id instead of hashing the name again: a release keeps most requirements,
   * and the current version's strings are still in cache.
   */
  add(
    service: number,
    needs: readonly Need[],
    apis: StringInterner,
    ranges: StringInterner,
    earlier?: readonly Need[],
    from: NeedBuilder = this,
    earlierAt = 0,
  ): number {
    this.rows.reserve(needs.length);
    const [api, range] = this.rows.columns as [Int32Array, Int32Array];
    const [earlierApi, earlierRange] = from.rows.columns as [Int32Array, Int32Array];
    const at = this.rows.length;
    for (let r = 0; r < needs.length; r++) {
      const need = needs[r] as Need;
      const same = earlier?.[r];
      api[at + r] =
        same !== undefined && same.api === need.api ? (earlierApi[earlierAt + r] ?? 0) : apis.id(need.api);
      range[at + r] =
        same !== undefined && same.range === need.range
          ? (earlierRange[earlierAt + r] ?? 0)
          : ranges.idInRun(need.range);
    }
    this.rows.length = at + needs.length;
    this.start[service + 1] = this.rows.length;
    return at;
  }

  /** Service `service` has no requirements on this side. */
  none(service: number): void {
    this.start[service + 1] = this.rows.length;
  }

  finish(): NeedRows {
    return { start: this.start, api: this.rows.view(0), range: this.rows.view(1) };
  }
}

/**
 * Builds a CompactFleet one service at a time, in service order, while the caller reads that
 * service's documents: on a 100,000-service fleet the documents are scattered over the heap, and
 * each further pass over them (to size the rows first, then one per kind of row) cost a cache
 * miss per list read, 5–25 ms a pass. Row arrays grow instead of being sized by a pass of their own.
 */
export class CompactFleetBuilder {
  readonly #moving: Uint8Array;
  readonly #served: readonly [ServedBuilder, ServedBuilder];
  readonly #needs: readonly [NeedBuilder, NeedBuilder];
  // Most APIs are served by one service: about as many API names as services.
  readonly #apis: StringInterner;
  readonly #versions = new StringInterner();
  readonly #ranges = new StringInterner();

  /** `services`: how many services will be added; `changes`: about how many move. */
  constructor(services: number, changes: number) {
    this.#moving = new Uint8Array(services);
    this.#apis = new StringInterner(services);
    this.#served = [new ServedBuilder(services, 2 * services), new ServedBuilder(services, 2 * changes)];
    this.#needs = [new NeedBuilder(services, 8 * services), new NeedBuilder(services, 8 * changes)];
  }

  /**
   * Adds service `service` (0, 1, 2 … in turn): what it runs now and, when the release moves it,
   * the version it moves to (empty target rows when it does not). Both sides are taken together,
   * so that target requirements kept from the current version reuse its ids (NeedBuilder.add).
   */
  add(service: number, current: VersionSource, target: VersionSource | undefined): void {
    const [apis, versions, ranges] = [this.#apis, this.#versions, this.#ranges];
    const [now, next] = this.#needs;
    if (target !== undefined) this.#moving[service] = 1;
    this.#served[CURRENT].add(service, current.provides, apis, versions);
    this.#served[TARGET].add(service, target?.provides ?? NO_PROVIDES, apis, versions);
    const first = now.add(service, current.requires, apis, ranges);
    // No call with a shared frozen empty list: its different shape makes the loop's reads polymorphic.
    if (target === undefined) next.none(service);
    else next.add(service, target.requires, apis, ranges, current.requires, now, first);
  }

  finish(): CompactFleet {
    return {
      moving: this.#moving,
      served: [this.#served[CURRENT].rows(), this.#served[TARGET].rows()],
      needs: [this.#needs[CURRENT].finish(), this.#needs[TARGET].finish()],
      apiNames: this.#apis.names,
      versionNames: this.#versions.names,
      rangeNames: this.#ranges.names,
    };
  }
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
