import { type CompactFleet, CURRENT, type ServedRows, type Side, sideOf, TARGET } from "./compact-fleet.js";

/**
 * Providers by API id. Entry `at` takes the words entries[ENTRY_WORDS at ..]: the provider (service
 * index); what it serves of the API in its current version; in the version it runs after the
 * release (its current one if it does not move), each the one version id served, NOT_SERVED or
 * where its several versions are (`severalEntry`); and the API's next entry (NO_ENTRY after its
 * last). Entry k is API k's first (provider NO_ENTRY when nobody serves it); further providers of
 * an API, in service order, follow the API count. A requirement's API is at a random place in a
 * large fleet, so each array read per requirement is a cache miss of its own: with the first
 * provider kept at the API's own index, and its answers beside it, the usual requirement (one
 * provider) costs one, instead of a row start, then the entry, then the provider's own rows.
 */
export interface ProviderIndex {
  readonly entries: Int32Array;
}

/** Words per entry: provider, current version's answer, target version's answer, next entry. */
export const ENTRY_WORDS = 4;

/** No entry (after an API's last; as provider, an API nobody serves). */
export const NO_ENTRY = -1;

/** API `api`'s first entry, or NO_ENTRY when nobody serves it. */
export function firstEntry(index: ProviderIndex, api: number): number {
  return (index.entries[ENTRY_WORDS * api] ?? NO_ENTRY) === NO_ENTRY ? NO_ENTRY : api;
}

/** The entry after `at` of the same API, or NO_ENTRY. */
export function nextEntry(index: ProviderIndex, at: number): number {
  return index.entries[ENTRY_WORDS * at + 3] ?? NO_ENTRY;
}

/** The provider's version does not serve the API. */
export const NOT_SERVED = -1;

/**
 * The answer for a version serving the API in several versions: where those versions are, as
 * `-2 - (entry * 2 + side)`, the served entry in `fleet.served[side]` (see `severalEntry`), so the
 * full check goes straight to them instead of seeking the provider's rows again.
 */
function several(entry: number, side: Side): number {
  return -2 - (entry * 2 + side);
}

/** The served entry and its side (`entry * 2 + side`) of an answer below NOT_SERVED. */
export function severalEntry(answer: number): number {
  return -2 - answer;
}

function servedVersion(rows: ServedRows, side: Side, service: number, api: number): number {
  for (let e = rows.start[service] ?? 0; e < (rows.start[service + 1] ?? 0); e++) {
    if (rows.api[e] !== api) continue;
    const from = rows.versionStart[e] ?? 0;
    return (rows.versionStart[e + 1] ?? 0) - from === 1 ? (rows.version[from] ?? 0) : several(e, side);
  }
  return NOT_SERVED;
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

/** Every service serving each API (in its current or target version), indexed by API id. */
export function providerIndex(fleet: CompactFleet): ProviderIndex {
  const apiCount = fleet.apiNames.length;
  // Each serving pair has an entry: at most one per served entry of either side, past the heads.
  const capacity = apiCount + fleet.served[CURRENT].api.length + fleet.served[TARGET].api.length;
  const entries = new Int32Array(ENTRY_WORDS * capacity);
  for (let k = 0; k < apiCount; k++) {
    entries[ENTRY_WORDS * k] = NO_ENTRY;
    entries[ENTRY_WORDS * k + 3] = NO_ENTRY;
  }
  const last = new Int32Array(apiCount);
  let used = apiCount;
  eachServing(fleet, (api, service) => {
    let at = api;
    if (entries[ENTRY_WORDS * api] !== NO_ENTRY) {
      at = used++;
      entries[ENTRY_WORDS * (last[api] ?? 0) + 3] = at;
    }
    last[api] = at;
    const after = sideOf(fleet, service, TARGET);
    entries[ENTRY_WORDS * at] = service;
    entries[ENTRY_WORDS * at + 1] = servedVersion(fleet.served[CURRENT], CURRENT, service, api);
    entries[ENTRY_WORDS * at + 2] = servedVersion(fleet.served[after], after, service, api);
    entries[ENTRY_WORDS * at + 3] = NO_ENTRY;
  });
  return { entries };
}
