import type { RouteConfig } from "./route-config.js";

/** Why a request went to its version: shown in logs and counted in metrics. */
export type RouteDecision =
  | { readonly kind: "header-route"; readonly version: string }
  | { readonly kind: "sticky"; readonly version: string }
  | { readonly kind: "weighted"; readonly version: string }
  | { readonly kind: "no-version" };

/** What the router knows of one request. Headers are looked up by lowercase name. */
export interface RouteRequest {
  header(lowercaseName: string): string | undefined;
  readonly cookies: ReadonlyMap<string, string>;
}

/**
 * Picks the version for a request. A tester route wins over everything; a sticky cookie keeps a
 * client on its version as long as that version still takes weighted traffic (so an abort that sets
 * the canary's weight to 0 moves its sticky clients back at once); otherwise a weighted draw.
 * `random` is uniform in [0, 1).
 */
export function chooseVersion(config: RouteConfig, request: RouteRequest, random: number): RouteDecision {
  const route = config.headerRoute;
  if (route !== null && route.version in config.upstreams) {
    const sent =
      route.kind === "header" ? request.header(route.name.toLowerCase()) : request.cookies.get(route.name);
    if (sent === route.value) return { kind: "header-route", version: route.version };
  }
  if (config.sticky !== null) {
    const remembered = request.cookies.get(config.sticky.cookie);
    if (remembered !== undefined && (config.weights[remembered] ?? 0) > 0 && remembered in config.upstreams)
      return { kind: "sticky", version: remembered };
  }
  const version = weightedVersion(config, random);
  return version === null ? { kind: "no-version" } : { kind: "weighted", version };
}

/**
 * Weighted random choice by inverse transform sampling over the cumulative weights
 * (Knuth, TAOCP vol. 2, §3.4.1): version i is chosen with probability w_i / Σw.
 */
export function weightedVersion(config: RouteConfig, random: number): string | null {
  let total = 0;
  for (const version in config.weights)
    if (version in config.upstreams) total += config.weights[version] ?? 0;
  if (total <= 0) return null;
  let point = random * total;
  let last: string | null = null;
  for (const version in config.weights) {
    const weight = config.weights[version] ?? 0;
    if (weight <= 0 || !(version in config.upstreams)) continue;
    if (point < weight) return version;
    point -= weight;
    last = version;
  }
  // Floating-point rounding can leave `point` a hair above the last bucket.
  return last;
}
