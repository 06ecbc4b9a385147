import type { CompactFleet } from "./compact-fleet.js";

/** Providers by API id in compressed rows: the services serving API k are list[start[k] .. start[k + 1]). */
export interface ProviderIndex {
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

/** Every service serving each API (in its current or target version), indexed by API id. */
export function providerIndex(fleet: CompactFleet): ProviderIndex {
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
