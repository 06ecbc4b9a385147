import type { RouteConfig, VersionUpstreams } from "../traffic/route-config.js";
import type { Instance } from "./driver-port.js";

/**
 * The upstreams a router should hold for what the driver observes: every healthy instance under
 * its version, leaving out `leaving` (instances about to be stopped, so no request is sent to them
 * while they go). A version that still takes traffic (weight, or the testers of a header route)
 * keeps its current upstreams rather than none, since a router refuses weight or a header route
 * without upstreams; the strategies move weight and routes away first.
 */
export function routerUpstreams(
  instances: readonly Instance[],
  config: RouteConfig,
  leaving: (i: Instance) => boolean = () => false,
): VersionUpstreams {
  const byVersion: Record<string, string[]> = {};
  const ordered = [...instances].sort((a, b) => a.slot.localeCompare(b.slot) || a.index - b.index);
  for (const i of ordered) {
    if (i.health !== "healthy" || i.endpoint === undefined || leaving(i)) continue;
    const list = byVersion[i.version] ?? [];
    list.push(i.endpoint);
    byVersion[i.version] = list;
  }
  const routed = config.headerRoute === null ? [] : [config.headerRoute.version];
  const taking = [...Object.keys(config.weights).filter((v) => (config.weights[v] ?? 0) > 0), ...routed];
  for (const version of taking) {
    if ((byVersion[version]?.length ?? 0) > 0) continue;
    const gone = new Set(instances.filter(leaving).map((i) => i.endpoint));
    const kept = (config.upstreams[version] ?? []).filter((e) => !gone.has(e));
    byVersion[version] = kept.length > 0 ? kept : [...(config.upstreams[version] ?? [])];
  }
  for (const v of Object.keys(byVersion)) if (byVersion[v]?.length === 0) delete byVersion[v];
  return byVersion;
}

/** True when two upstream maps list the same addresses in the same order for every version. */
export function sameUpstreams(a: VersionUpstreams, b: VersionUpstreams): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if ((a[k] ?? []).join(",") !== (b[k] ?? []).join(",")) return false;
  return true;
}
