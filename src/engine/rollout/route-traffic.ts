import { DomainError } from "../../core/errors/domain-error.js";
import type { Instance } from "../../core/rollout/driver-port.js";
import { routerUpstreams, sameUpstreams } from "../../core/rollout/router-upstreams.js";
import { emptyRouteConfig, type RouteConfig } from "../../core/traffic/route-config.js";
import type { TrafficRouter } from "../../core/traffic/traffic-router.js";

/**
 * The route in force for a service; an empty one when the router routes nothing for it yet (nginx
 * knows a service only once it has upstreams; a first deploy observes before that).
 */
export async function routeOf(router: TrafficRouter, service: string): Promise<RouteConfig> {
  try {
    return (await router.observe(service)).config;
  } catch (e) {
    if (e instanceof DomainError && e.code === "router-service-unknown")
      return emptyRouteConfig(service, "", null);
    throw e;
  }
}

/**
 * Brings the router's upstreams in line with the healthy instances, leaving out those about to
 * stop. Idempotent: nothing is written when they already match.
 */
export async function syncUpstreams(
  router: TrafficRouter | undefined,
  service: string,
  instances: readonly Instance[],
  leaving: (i: Instance) => boolean = () => false,
): Promise<boolean> {
  if (router === undefined) return false;
  const config = await routeOf(router, service);
  const wanted = routerUpstreams(instances, config, leaving);
  if (sameUpstreams(config.upstreams, wanted)) return false;
  await router.setUpstreams(service, wanted);
  return true;
}
