/** A version's share of traffic, relative to the other versions' weights (not necessarily summing to 100). */
export type VersionWeights = Readonly<Record<string, number>>;

/** Each version's upstream instances as `host:port`, in the order the router cycles through them. */
export type VersionUpstreams = Readonly<Record<string, readonly string[]>>;

/**
 * A tester route: requests carrying this header or cookie value go to `version`, whatever the
 * weights (Argo Rollouts' setHeaderRoute; Flagger's header/cookie match).
 */
export interface HeaderRoute {
  readonly kind: "header" | "cookie";
  /** Header name (matched case-insensitively) or cookie name (matched exactly). */
  readonly name: string;
  readonly value: string;
  readonly version: string;
}

/** Sticky sessions: the router remembers a client's version in this cookie. */
export interface StickySessions {
  readonly cookie: string;
}

/** Everything a router needs to route one service; persisted by the router itself. */
export interface RouteConfig {
  readonly service: string;
  /** Where the service's clients connect, `host:port`. */
  readonly listen: string;
  readonly upstreams: VersionUpstreams;
  readonly weights: VersionWeights;
  readonly headerRoute: HeaderRoute | null;
  readonly sticky: StickySessions | null;
  /** Incremented on every effective change; lets writers detect a concurrent change. */
  readonly revision: number;
}

/** The configuration of a service that has no upstreams yet: every request gets 503. */
export function emptyRouteConfig(
  service: string,
  listen: string,
  sticky: StickySessions | null,
): RouteConfig {
  return { service, listen, upstreams: {}, weights: {}, headerRoute: null, sticky, revision: 0 };
}

/** The total weight of versions that can take traffic. */
export function totalWeight(weights: VersionWeights): number {
  let total = 0;
  for (const weight of Object.values(weights)) total += weight;
  return total;
}
