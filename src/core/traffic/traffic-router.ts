import type { HeaderRoute, RouteConfig, VersionUpstreams, VersionWeights } from "./route-config.js";
import type { VersionStats } from "./version-stats.js";

/** Which data plane serves a service, and where it can be reached for inspection. */
export type RouterInstance =
  | { readonly kind: "builtin"; readonly pid: number; readonly adminUrl: string; readonly startedAt: string }
  | {
      readonly kind: "nginx";
      readonly pid: number;
      readonly configFile: string;
      readonly configDigest: string;
    };

/** What a router reports about one service: the configuration in force and what it saw per version. */
export interface RouterObservation {
  readonly service: string;
  readonly config: RouteConfig;
  readonly stats: Readonly<Record<string, VersionStats>>;
  readonly router: RouterInstance;
}

/**
 * The traffic router port (DESIGN.md "Rollouts"): splits a service's traffic between its versions.
 * Every call is idempotent: asking for the configuration already in force changes nothing (the
 * revision does not move), so a step handler can repeat it after a crash. Each call returns the
 * configuration in force once the data plane applies it, and throws InputError when it is invalid
 * (nothing is changed then).
 */
export interface TrafficRouter {
  readonly kind: RouterInstance["kind"];
  /** Sets the upstream instances of every version (the whole set); a version with weight keeps at least one. */
  setUpstreams(service: string, upstreams: VersionUpstreams): Promise<RouteConfig>;
  /** Sets the versions' weights; versions left out take no weighted traffic. */
  setWeights(service: string, weights: VersionWeights): Promise<RouteConfig>;
  /** Sends testers (a header or cookie value) to a version whatever the weights; null removes the route. */
  setHeaderRoute(service: string, route: HeaderRoute | null): Promise<RouteConfig>;
  /** The configuration in force and per-version stats. */
  observe(service: string): Promise<RouterObservation>;
}
