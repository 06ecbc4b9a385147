import type { Instance } from "../../core/rollout/driver-port.js";
import { routerUpstreams, sameUpstreams } from "../../core/rollout/router-upstreams.js";
import type { TrafficRouter } from "../../core/traffic/traffic-router.js";

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
  const { config } = await router.observe(service);
  const wanted = routerUpstreams(instances, config, leaving);
  if (sameUpstreams(config.upstreams, wanted)) return false;
  await router.setUpstreams(service, wanted);
  return true;
}
