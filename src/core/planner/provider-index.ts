import { type CompactFleet, CURRENT, type ServedRows, type Side, sideOf, TARGET } from "./compact-fleet.js";

/**
 * Providers by API id in compressed rows: the services serving API k are entries at
 * start[k] .. start[k + 1), entry `at` taking the words entries[ENTRY_WORDS at ..] of `entries`.
 */
export interface ProviderIndex {
  readonly start: Int32Array;
  /**
   * Per entry, side by side: the provider (service index); what it serves of the API in its current
   * version; and in the version it runs after the release (its current one if it does not move):
   * each the one version id served, NOT_SERVED, or where its several versions are (`severalEntry`). The pair check reads them
   * next to the provider's number instead of seeking the provider's own rows, and in one place:
   * a requirement's providers are at random places in a large fleet, so each array read per
   * requirement is a cache miss of its own.
   */
  readonly entries: Int32Array;
}

/** Words per provider entry: service, current version's answer, target version's answer. */
export const ENTRY_WORDS = 3;

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
  const start = new Int32Array(apiCount + 1);
  eachServing(fleet, (api) => {
    start[api + 1] = (start[api + 1] ?? 0) + 1;
  });
  for (let k = 0; k < apiCount; k++) start[k + 1] = (start[k + 1] ?? 0) + (start[k] ?? 0);
  const fill = start.slice(0, apiCount);
  const entries = new Int32Array(ENTRY_WORDS * (start[apiCount] ?? 0));
  eachServing(fleet, (api, service) => {
    const at = fill[api] ?? 0;
    entries[ENTRY_WORDS * at] = service;
    const after = sideOf(fleet, service, TARGET);
    entries[ENTRY_WORDS * at + 1] = servedVersion(fleet.served[CURRENT], CURRENT, service, api);
    entries[ENTRY_WORDS * at + 2] = servedVersion(fleet.served[after], after, service, api);
    fill[api] = at + 1;
  });
  return { start, entries };
}
